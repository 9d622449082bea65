package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 13, the web console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, driven through Selenium) against the shipped distribution started
 * with {@code bin/start}: an operator logs in, sees the sessions on the dashboard, runs a job
 * from its page and watches the progress bar reach SUCCESS, opens the session's per-disk rows;
 * a viewer sees no Run button and the server refuses a forged POST with the viewer's cookie
 * (without and with the CSRF token) with 403; logout ends the login.
 *
 * <p>Chromium trusts the manager's certificate by its public key: the test first connects
 * with a client that trusts only Ferry's CA ({@code data/ferry/ca/ca.crt}), takes the
 * certificate that CA vouched for and passes its key's SHA-256 to
 * {@code --ignore-certificate-errors-spki-list}, so the browser accepts exactly that key and
 * nothing else (adding a CA to Chromium needs an NSS database in the user's home).
 *
 * <p>Each test saves a screenshot under {@code target/screenshots/} (docs/web-console.md
 * shows them).
 */
public class ConsoleIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration UI_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final String VIEWER = "console-viewer";
    private static final String OPERATOR = "console-operator";
    private static final String PASSWORD = "console-it-password-5c2a";
    /**
     * A job this test adds to the sample lab: three VMware VMs whose five disks are raw files under
     * {@code data/ferry/disks} (the default disk root), so its session reads real data and ends in SUCCESS.
     */
    static final String SUCCEEDING_JOB = "console-nightly";
    private static final List<String> SUCCEEDING_VMS = List.of("web-01", "db-01", "br-app-01");
    private static final long DISK_BYTES = 64L << 20;
    /** A job of the sample lab whose session fails and says why (no proxy can read its disk). */
    static final String FAILING_JOB = "pve-daily";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();

    private static UnpackedDistribution ferry;
    private static HttpClient client;
    private static String origin;
    private static String spkiPin;
    private static String failedSession;

    private WebDriver browser;
    private Path profile;

    @Rule
    public final TestName testName = new TestName();

    @BeforeClass
    public static void startFerryWithASession() throws Exception {
        assertTrue("Debian's chromium is not installed (apt-get install chromium chromium-driver)",
                Files.isExecutable(Path.of("/usr/bin/chromium")));
        assertTrue("Debian's chromium-driver is not installed", Files.isExecutable(Path.of("/usr/bin/chromedriver")));
        Path parent = Path.of("target", "console-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        ferry = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), parent);
        Files.writeString(ferry.home().resolve("etc/users.properties"),
                VIEWER + " = " + PASSWORD + ",_g_:ferry-viewers\n"
                        + OPERATOR + " = " + PASSWORD + ",_g_:ferry-operators\n",
                UTF_8, StandardOpenOption.APPEND);
        ferry.start();
        ferry.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        writeInventory(ferry.home().resolve("samples/console-it-inventory.json"));
        ferry.ok("ferry:inventory-import samples/console-it-inventory.json");
        origin = "https://127.0.0.1:" + ferry.httpsPort();
        client = HttpClient.newBuilder().sslContext(UnpackedDistribution.trustingOnly(ferry.home().resolve("data/ferry/ca/ca.crt")))
                .connectTimeout(Duration.ofSeconds(10)).build();
        X509Certificate leaf = awaitListener();
        spkiPin = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(leaf.getPublicKey().getEncoded()));
        // a failed session for the dashboard's failures, with its reason
        failedSession = startSession(FAILING_JOB);
        awaitEnd(failedSession);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterClass
    public static void stopFerry() throws Exception {
        if (ferry != null) {
            ferry.stopOrKill();
        }
    }

    @Before
    public void startBrowser() throws IOException {
        profile = Files.createTempDirectory("ferry-console-it-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1400,1000", "--lang=en-US",
                "--ignore-certificate-errors-spki-list=" + spkiPin);
        // the page's console: script errors and Content-Security-Policy violations end up there
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolveSibling("chromedriver-" + testName.getMethodName() + ".log").toFile())
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(UI_TIMEOUT);
    }

    @After
    public void stopBrowser() throws IOException {
        List<String> errors = List.of();
        if (browser != null) {
            // answers like the 401 before the login or the refused forged POST are logged as failed loads: expected
            errors = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                    .map(org.openqa.selenium.logging.LogEntry::getMessage)
                    .filter(m -> !m.contains("Failed to load resource")).toList();
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertTrue("the pages logged errors (scripts, Content-Security-Policy): " + errors, errors.isEmpty());
    }

    // --- the tests ------------------------------------------------------------------------------

    @Test
    public void anOperatorLogsInAndTheDashboardListsTheSessionsAndTheFailureWithItsReason() throws Exception {
        browser.get(origin + "/");
        WebElement user = await(By.id("login-user"));
        assertTrue("/ leads to the console: " + browser.getCurrentUrl(), browser.getCurrentUrl().contains("/console/"));
        assertFalse("no menu before the login", browser.findElement(By.id("nav")).isDisplayed());
        user.sendKeys(OPERATOR);
        browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
        screenshot("login");
        browser.findElement(By.id("login-submit")).click();

        WebElement recent = await(By.cssSelector("#recent table.sessions"));
        assertEquals(OPERATOR, text(By.id("who-user")));
        assertEquals("(ferry-operator)", text(By.id("who-role")));
        assertTrue(recent.getText(), recent.getText().contains(failedSession.substring(0, 8)));
        assertTrue(recent.getText(), recent.getText().contains(FAILING_JOB));
        WebElement failures = await(By.cssSelector("#failures table.failures"));
        assertTrue("the failure says why: " + failures.getText(), failures.getText().contains("gp-01"));
        // the cookie is the console's login: HttpOnly and Secure, so the pages' scripts cannot read it
        Cookie cookie = browser.manage().getCookieNamed("ferry_session");
        assertNotNull(cookie);
        assertTrue(cookie.isHttpOnly());
        assertTrue(cookie.isSecure());
        assertEquals("Strict", cookie.getSameSite());
        assertEquals("", ((JavascriptExecutor) browser).executeScript("return document.cookie"));
        screenshot("dashboard");
    }

    @Test
    public void anOperatorRunsAJobFromItsPageWatchesItsProgressBarReachSuccessAndOpensTheSession() throws Exception {
        logIn(OPERATOR);
        browser.get(origin + "/console/#/jobs");
        await(By.cssSelector("table.jobs")).findElement(By.linkText(SUCCEEDING_JOB)).click();
        WebElement run = await(By.id("run"));
        assertTrue(browser.findElement(By.id("stop")).isDisplayed());
        run.click();

        WebElement bar = await(By.cssSelector("#job-run progress.session-progress"));
        String session = bar.getAttribute("data-session");
        assertNotNull(session);
        new WebDriverWait(browser, RUN_TIMEOUT, Duration.ofMillis(250)).withMessage("the progress bar of session "
                + session + " did not reach SUCCESS").until(b -> {
                    WebElement p = b.findElement(By.cssSelector("#job-run progress.session-progress"));
                    return "SUCCESS".equals(p.getAttribute("data-status")) && "100".equals(p.getAttribute("value"));
                });
        assertTrue(text(By.cssSelector("#job-run .progress-label")).startsWith("100 %"));
        // the job's plan per disk now comes from this session: proxy, transport and why for each disk
        new WebDriverWait(browser, UI_TIMEOUT).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("job-latest"), session.substring(0, 8)));
        screenshot("job");
        assertEquals("the server agrees", "SUCCESS", status(session));

        browser.findElement(By.cssSelector("#job-run a[href^='#/sessions/']")).click();
        WebElement disks = await(By.cssSelector("table.disks"));
        List<WebElement> rows = disks.findElements(By.cssSelector("tbody tr"));
        Map<String, Object> shown = Json.object(Json.parse(apiAsOperator("/sessions/" + session).body()));
        assertEquals(Json.objects(shown.get("tasks")).size(), rows.size());
        assertTrue(rows.size() >= 2);
        Map<String, Object> first = Json.objects(shown.get("tasks")).get(0);
        String row = rows.get(0).getText();
        assertTrue(row, row.contains(String.valueOf(first.get("vm"))) && row.contains(String.valueOf(first.get("disk"))));
        assertTrue(row, row.contains(String.valueOf(first.get("proxy"))));
        assertTrue(row, row.contains(String.valueOf(first.get("transportMode"))));
        assertEquals(session, text(By.id("session-id")));
        assertTrue(text(By.id("session-status")).contains("SUCCESS"));
        assertFalse(browser.findElements(By.cssSelector("table.guests, p.guests-empty")).isEmpty());
        screenshot("session");
    }

    @Test
    public void aViewerSeesNoRunButtonAndTheServerRefusesForgedPostsWithTheViewersCookie() throws Exception {
        logIn(VIEWER);
        browser.get(origin + "/console/#/jobs/" + SUCCEEDING_JOB);
        await(By.id("job-readonly"));
        assertTrue(browser.findElements(By.id("run")).isEmpty());
        assertTrue(browser.findElements(By.id("stop")).isEmpty());
        assertTrue(browser.findElements(By.id("retry")).isEmpty());
        screenshot("job-viewer");
        int before = sessionCount(SUCCEEDING_JOB);

        String cookie = "ferry_session=" + browser.manage().getCookieNamed("ferry_session").getValue();
        // a forged POST with the cookie but without the CSRF header: refused before anything runs
        HttpResponse<String> forged = post("/jobs/" + SUCCEEDING_JOB + "/run", Map.of("Cookie", cookie));
        assertEquals(forged.body(), 403, forged.statusCode());
        assertTrue(forged.body(), forged.body().contains("urn:ferry:problem:cross-site"));
        // with the token: the viewer's role does not allow it
        HttpResponse<String> session = client.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1/session"))
                .timeout(UI_TIMEOUT).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        String token = String.valueOf(Json.object(Json.parse(session.body())).get("csrfToken"));
        HttpResponse<String> withToken = post("/jobs/" + SUCCEEDING_JOB + "/run", Map.of("Cookie", cookie,
                "X-Ferry-CSRF", token));
        assertEquals(withToken.body(), 403, withToken.statusCode());
        assertTrue(withToken.body(), withToken.body().contains("urn:ferry:problem:access-denied"));
        // the same from the page itself (the browser sends Origin and Sec-Fetch-Site: same-origin)
        Object inPage = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/jobs/" + SUCCEEDING_JOB + "/run', {method: 'POST', credentials: 'same-origin'})"
                        + ".then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('error ' + e));");
        assertTrue(String.valueOf(inPage), String.valueOf(inPage).startsWith("403 ") && String.valueOf(inPage)
                .contains("X-Ferry-CSRF"));
        assertEquals("nothing ran", before, sessionCount(SUCCEEDING_JOB));
        // the page's console is read (stopBrowser fails a test on script errors): the refused POST is there
        List<String> logged = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
        assertTrue(logged.toString(), logged.stream().anyMatch(m -> m.contains("/run") && m.contains("403")));
    }

    @Test
    public void theInventoryPagesThroughVmsWithASearchAndListsServersPluginsAndAgents() throws Exception {
        logIn(VIEWER);
        browser.get(origin + "/console/#/inventory");
        WebElement vms = await(By.cssSelector("table.vms"));
        assertTrue(vms.getText(), vms.getText().contains("pve-web-01"));
        WebElement search = browser.findElement(By.id("vm-search"));
        search.sendKeys("web");
        browser.findElement(By.cssSelector("#vm-search-form button")).click();
        new WebDriverWait(browser, UI_TIMEOUT).until(b -> b.getCurrentUrl().contains("contains=web")
                && b.findElement(By.cssSelector("table.vms")).findElements(By.cssSelector("tbody tr")).stream()
                        .allMatch(r -> r.findElements(By.tagName("td")).get(0).getText().contains("web")));
        assertFalse(text(By.cssSelector("table.vms")).contains("db-01"));
        screenshot("inventory");
        // and a host: the VMs whose name contains "web" on esx-01 only
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("vm-host"))).selectByValue("esx-01");
        new WebDriverWait(browser, UI_TIMEOUT).until(b -> b.getCurrentUrl().contains("host=esx-01")
                && b.getCurrentUrl().contains("contains=web")
                && b.findElement(By.cssSelector("table.vms")).findElements(By.cssSelector("tbody tr")).stream()
                        .allMatch(r -> r.findElements(By.tagName("td")).get(1).getText().equals("esx-01")));
        assertFalse("pve-web-01 runs on pve-01", text(By.cssSelector("table.vms")).contains("pve-web-01"));
        // a VM's page: its disks and its plan now
        browser.findElement(By.linkText("web-01")).click();
        WebElement vmPlan = await(By.cssSelector("#plan table.plan-disks"));
        assertTrue(vmPlan.getText(), vmPlan.getText().contains("scsi0:0"));
        assertEquals(1, browser.findElements(By.cssSelector("#plan .vm-plan[data-vm='web-01']")).size());
        assertFalse(browser.findElements(By.cssSelector("table.vm-disks tbody tr")).isEmpty());
        browser.get(origin + "/console/#/inventory?tab=servers");
        WebElement servers = await(By.cssSelector("table.servers"));
        assertTrue(servers.getText(), servers.getText().contains("GENERAL_PURPOSE_PROXY"));
        browser.get(origin + "/console/#/plugins");
        WebElement plugins = await(By.cssSelector("table.plugins"));
        assertTrue(plugins.getText(), plugins.getText().contains("io.ferry.plugin.proxmox"));
        screenshot("plugins");
        browser.get(origin + "/console/#/agents");
        await(By.cssSelector("table.agents, p.agents-empty"));
        screenshot("agents");
    }

    @Test
    public void aViewerOpensADisksExplanationOnTheJobsPlanAndAsksWhatIf() throws Exception {
        logIn(VIEWER);
        browser.get(origin + "/console/#/jobs/" + SUCCEEDING_JOB);
        WebElement plan = await(By.cssSelector("#plan table.plan-disks"));
        Map<String, Object> planned = Json.object(Json.parse(apiAsOperator("/jobs/" + SUCCEEDING_JOB + "/plan").body()));
        List<Map<String, Object>> vms = Json.objects(planned.get("vms"));
        assertEquals("one block per VM", vms.size(), browser.findElements(By.cssSelector("#plan .vm-plan")).size());
        Map<String, Object> vm = vms.get(0);
        Map<String, Object> disk = Json.objects(vm.get("disks")).get(0);
        WebElement row = plan.findElements(By.cssSelector("tbody tr")).get(0);
        assertTrue(row.getText(), row.getText().contains(String.valueOf(disk.get("proxy")))
                && row.getText().contains(String.valueOf(disk.get("transportMode"))));
        // the explanation is closed until opened
        WebElement explain = row.findElement(By.cssSelector("details.explain"));
        assertEquals(vm.get("vm") + "/" + disk.get("disk"), explain.getAttribute("data-disk"));
        assertFalse(explain.findElement(By.cssSelector("table.candidates")).isDisplayed());
        explain.findElement(By.tagName("summary")).click();
        WebElement candidates = new WebDriverWait(browser, UI_TIMEOUT).until(ExpectedConditions.visibilityOf(
                explain.findElement(By.cssSelector("table.candidates"))));
        List<Map<String, Object>> expected = Json.objects(disk.get("candidates"));
        assertEquals("every candidate, best first: " + candidates.getText() + "\nthe API: " + expected, expected.size(),
                candidates.findElements(By.cssSelector(":scope > tbody > tr")).size());
        assertTrue(candidates.getText(), candidates.getText().contains(String.valueOf(expected.get(0).get("server"))));
        Map<String, Object> firstVerdict = Json.objects(expected.get(0).get("verdicts")).get(0);
        assertTrue("every rule's verdict with its reason: " + candidates.getText(),
                candidates.getText().contains(String.valueOf(firstVerdict.get("reason"))));
        List<Map<String, Object>> steps = Json.objects(disk.get("negotiation"));
        assertEquals("the transport negotiation, step by step", steps.size(),
                explain.findElements(By.cssSelector("ol.negotiation li")).size());
        screenshot("plan-explain");

        // what if the chosen proxy were gone: the page lists what the API says would change
        String change = "remove " + disk.get("proxy");
        browser.findElement(By.id("what-if-input")).sendKeys(change);
        browser.findElement(By.cssSelector("#what-if-form button")).click();
        await(By.cssSelector("#what-if-result table.what-if-changes, #what-if-result p.what-if-changes-empty"));
        Map<String, Object> whatIf = Json.object(Json.parse(apiAsOperator("/jobs/" + SUCCEEDING_JOB
                + "/what-if?change=" + java.net.URLEncoder.encode(change, UTF_8).replace("+", "%20")).body()));
        List<Map<String, Object>> changes = Json.objects(whatIf.get("changes"));
        assertFalse("removing the proxy a disk goes to changes the plan: " + whatIf, changes.isEmpty());
        assertEquals(changes.size(), browser.findElements(By.cssSelector("#what-if-result table.what-if-changes tbody tr"))
                .size());
        assertTrue(text(By.id("what-if-result")).contains(String.valueOf(changes.get(0).get("after"))));
        screenshot("what-if");
    }

    @Test
    public void theChecksPageShowsEveryServerRoleNotReadyWithTheFixForEachFailure() throws Exception {
        // a physical VMware proxy that declares an ESXi host: not ready, with a fix (taken back at the end)
        ferry.ok("ferry:server-update --fact vmware.host=esx-01 px-win-01");
        try {
            checksPage();
        } finally {
            ferry.ok("ferry:server-update --remove-fact vmware.host px-win-01");
        }
    }

    private void checksPage() throws Exception {
        logIn(VIEWER);
        browser.get(origin + "/console/#/checks");
        await(By.cssSelector("#checks section.readiness"));
        List<Map<String, Object>> reports = Json.objects(Json.parse(apiAsOperator("/checks").body()));
        List<Map<String, Object>> notReady = reports.stream().filter(r -> !Boolean.TRUE.equals(r.get("ready"))).toList();
        assertTrue("px-win-01 is not ready: " + notReady, notReady.stream().anyMatch(r -> "px-win-01".equals(r.get("server"))));
        assertEquals(reports.size(), browser.findElements(By.cssSelector("#checks section.readiness")).size());
        assertEquals(notReady.size(), browser.findElements(By.cssSelector("#checks section.not-ready")).size());
        // failures first, each with its fix
        WebElement first = browser.findElement(By.cssSelector("#checks section.readiness"));
        assertTrue(first.getAttribute("class"), first.getAttribute("class").contains("not-ready"));
        Map<String, Object> failed = notReady.stream().filter(r -> r.get("server").equals(first.getAttribute("data-server")))
                .findFirst().orElseThrow();
        Map<String, Object> failure = Json.objects(failed.get("results")).stream()
                .filter(c -> !Boolean.TRUE.equals(c.get("ok"))).findFirst().orElseThrow();
        assertTrue(first.getText(), first.getText().contains(String.valueOf(failure.get("detail"))));
        if (failure.get("fix") != null) {
            assertTrue(first.getText(), first.getText().contains(String.valueOf(failure.get("fix"))));
        }
        screenshot("checks");
        // only the failures
        browser.findElement(By.id("only-failures")).click();
        new WebDriverWait(browser, UI_TIMEOUT).until(b -> b.getCurrentUrl().contains("failures=1")
                && b.findElements(By.cssSelector("#checks section.readiness")).size() == notReady.size());
        assertTrue(browser.findElements(By.cssSelector("#checks section.ready")).isEmpty());
    }

    @Test
    public void logoutEndsTheLoginOnTheServer() throws Exception {
        logIn(OPERATOR);
        String cookie = "ferry_session=" + browser.manage().getCookieNamed("ferry_session").getValue();
        assertEquals(200, get("/api/v1/session", cookie).statusCode());
        browser.findElement(By.id("logout")).click();
        await(By.id("login-user"));
        assertFalse("the menu is hidden when logged out", browser.findElement(By.id("nav")).isDisplayed());
        assertFalse(browser.findElement(By.id("logout")).isDisplayed());
        assertEquals("the old cookie is worth nothing now", 401, get("/api/v1/session", cookie).statusCode());
        assertEquals(401, get("/api/v1/jobs", cookie).statusCode());
        browser.navigate().refresh();
        await(By.id("login-user"));
    }

    // --- helpers --------------------------------------------------------------------------------

    /** The sample lab, with the disks of {@link #SUCCEEDING_VMS} as raw files and the job {@link #SUCCEEDING_JOB}. */
    private static void writeInventory(Path target) throws IOException {
        Map<String, Object> lab = Json.object(Json.parse(Files.readString(ferry.home().resolve("samples/lab-inventory.json"))));
        Path disks = Files.createDirectories(ferry.home().resolve("data/ferry/disks"));
        byte[] data = new byte[4 << 20];
        new java.util.Random(13).nextBytes(data);
        for (Map<String, Object> vm : Json.objects(lab.get("vms"))) {
            if (!SUCCEEDING_VMS.contains(vm.get("name"))) {
                continue;
            }
            int i = 0;
            for (Map<String, Object> disk : Json.objects(vm.get("disks"))) {
                Path file = disks.resolve(vm.get("name") + "-" + i++ + ".raw");
                try (var out = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(java.nio.ByteBuffer.wrap(data)); // some data, the rest a hole
                    out.truncate(DISK_BYTES);
                    out.write(java.nio.ByteBuffer.wrap(data), DISK_BYTES - data.length);
                }
                disk.put("location", file.toString());
                disk.put("format", "RAW");
                disk.put("capacityBytes", DISK_BYTES);
            }
        }
        Map<String, Object> job = new java.util.LinkedHashMap<>();
        job.put("name", SUCCEEDING_JOB);
        job.put("platform", "VMWARE");
        job.put("vms", SUCCEEDING_VMS);
        job.put("repository", "bkp-01");
        Json.array(lab.get("jobs")).add(job);
        StringBuilder out = new StringBuilder();
        writeJson(lab, out);
        Files.writeString(target, out, UTF_8);
    }

    private static void writeJson(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep);
                writeJson(String.valueOf(e.getKey()), out);
                out.append(':');
                writeJson(e.getValue(), out);
                sep = ",";
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                writeJson(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof String text) {
            out.append('"');
            for (char c : text.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        } else {
            out.append(value); // numbers, booleans, null
        }
    }

    private void logIn(String user) {
        browser.get(origin + "/console/");
        await(By.id("login-user")).sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        await(By.id("who-user"));
        assertEquals(user, text(By.id("who-user")));
    }

    private WebElement await(By locator) {
        try {
            return new WebDriverWait(browser, UI_TIMEOUT).until(ExpectedConditions.visibilityOfElementLocated(locator));
        } catch (RuntimeException e) {
            screenshot("failed-" + testName.getMethodName());
            throw new AssertionError(locator + " did not appear within " + UI_TIMEOUT.toSeconds() + " s on "
                    + browser.getCurrentUrl() + "; the page says:\n"
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
    }

    private String text(By locator) {
        return browser.findElement(locator).getText();
    }

    private void screenshot(String name) {
        try {
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("cannot save the screenshot " + name, e);
        }
    }


    /** Waits for the HTTPS listener; returns the certificate Ferry's CA vouched for. */
    private static X509Certificate awaitListener() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(origin + "/console/"))
                        .timeout(UI_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
                }
                last = new IllegalStateException("status " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the console at " + origin + "/console/ did not answer within 90 s: " + last
                + "\nkaraf.log tail:\n" + ferry.logTail());
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((OPERATOR + ":" + PASSWORD).getBytes(UTF_8));
    }

    private static HttpResponse<String> apiAsOperator(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1" + path)).timeout(UI_TIMEOUT)
                .header("Authorization", basic()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String startSession(String job) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1/jobs/" + job + "/run"))
                .timeout(UI_TIMEOUT).header("Authorization", basic()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 202, r.statusCode());
        return String.valueOf(Json.object(Json.parse(r.body())).get("id"));
    }

    private static String status(String session) throws Exception {
        return String.valueOf(Json.object(Json.parse(apiAsOperator("/sessions/" + session).body())).get("status"));
    }

    private static void awaitEnd(String session) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while ("RUNNING".equals(status(session))) {
            assertTrue("session " + session + " still runs after " + RUN_TIMEOUT, System.nanoTime() < deadline);
            Thread.sleep(500);
        }
    }

    private static int sessionCount(String job) throws Exception {
        return Json.objects(Json.object(Json.parse(apiAsOperator("/sessions?job=" + job + "&limit=1000").body()))
                .get("items")).size();
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + "/api/v1" + path)).timeout(UI_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String cookie) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(origin + path)).timeout(UI_TIMEOUT).header("Cookie", cookie)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Restore a disk and find the file: db-01's first disk carries an ext4 file system with a
     * known file; the job backs it up; an operator's restore page shows the restore points but
     * no Restore button; an administrator picks the disk and its newest restore point on the
     * page, names a target and restores; the file written under restore.roots has the disk's
     * bytes, and debugfs reads the known file's exact text out of it.
     */
    @Test
    public void anAdministratorRestoresADiskOnTheRestorePageAndTheFileOnItIsThere() throws Exception {
        String proof = "ferry restore proof " + java.util.UUID.randomUUID();
        Path tree = Files.createTempDirectory("ferry-console-it-fs");
        Files.writeString(Files.createDirectories(tree.resolve("srv/proof")).resolve("restore-proof.txt"), proof, UTF_8);
        Path disk = ferry.home().resolve("data/ferry/disks/db-01-0.raw");
        command("/sbin/mkfs.ext4", "-q", "-F", "-d", tree.toString(), disk.toString());
        String session = startSession(SUCCEEDING_JOB);
        awaitEnd(session);
        assertEquals("SUCCESS", status(session));
        Map<String, Object> newest = Json.objects(Json.object(Json.parse(apiAsOperator(
                "/repositories/bkp-01/backups?disk=db-01/scsi0:0&limit=1").body())).get("items")).get(0);
        assertEquals(session, Json.object(newest.get("labels")).get("session"));

        logIn(OPERATOR);
        browser.get(origin + "/console/#/restore?repository=bkp-01&disk=db-01/scsi0:0");
        await(By.cssSelector("table.restore-points"));
        await(By.id("restore-readonly"));
        assertTrue("an operator gets no Restore button", browser.findElements(By.id("restore-submit")).isEmpty());
        browser.findElement(By.id("logout")).click();
        await(By.id("login-user")).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys(Files.readString(ferry.home().resolve(
                "etc/ferry-admin.password"), UTF_8).lines().findFirst().orElseThrow().strip());
        browser.findElement(By.id("login-submit")).click();
        await(By.id("who-user"));

        browser.get(origin + "/console/#/restore?repository=bkp-01&disk=db-01/scsi0:0");
        await(By.cssSelector("table.restore-points"));
        new WebDriverWait(browser, UI_TIMEOUT).withMessage("the newest restore point is picked").until(b -> newest.get("id")
                .equals(b.findElement(By.cssSelector("input[name=restore-point]:checked")).getAttribute("value")));
        WebElement target = await(By.id("restore-target"));
        target.clear();
        target.sendKeys("console-it/db-01-disk0.raw");
        browser.findElement(By.id("restore-submit")).click();
        WebElement done = await(By.cssSelector("#restore-result table.restore-done"));
        Path restored = ferry.home().resolve("data/ferry/restores/console-it/db-01-disk0.raw").toRealPath();
        assertTrue(done.getText(), done.findElement(By.cssSelector(".restore-target")).getText()
                .equals(restored.toString()));
        screenshot("restore");

        assertEquals("the restored image has the disk's bytes", -1L, Files.mismatch(disk, restored));
        assertEquals("the file on the restored disk", proof, command("/sbin/debugfs", "-R",
                "cat /srv/proof/restore-proof.txt", restored.toString()));
    }

    /** Runs a program (within 60 s) and answers what it printed on stdout; it must exit with 0. */
    private static String command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(String.join(" ", command) + " did not end within 60 s", p.waitFor(60,
                java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(String.join(" ", command) + ": " + new String(out, UTF_8), 0, p.exitValue());
        return new String(out, UTF_8);
    }
}
