package io.ferry.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleFilesTest {
    private final ConsoleFiles files = new ConsoleFiles(ConsoleFilesTest.class.getClassLoader());

    private String text(String path) throws Exception {
        return new String(files.find(path).orElseThrow(() -> new AssertionError("no console file " + path)).content(),
                StandardCharsets.UTF_8);
    }

    @Test
    void theIndexIsServedForTheFolderItselfAsHtml() throws Exception {
        ConsoleFiles.File index = files.find("/").orElseThrow();
        assertEquals("text/html; charset=utf-8", index.contentType());
        assertTrue(text("").contains("<script type=\"module\" src=\"js/app.js\">"));
        assertEquals("text/javascript; charset=utf-8", files.find("/js/app.js").orElseThrow().contentType());
        assertEquals("text/css; charset=utf-8", files.find("/console.css").orElseThrow().contentType());
    }

    @Test
    void namesThatLeaveTheFolderOrAreNotConsoleFilesAreNotServed() throws Exception {
        for (String path : List.of("/../io/ferry/console/internal/ConsoleFiles.class", "/js/../index.html", "/.hidden.js",
                "/js//app.js", "/JS/APP.JS", "/js/app.js/", "/missing.js", "/index", "/js\\app.js", "/%2e%2e/x.js",
                "/META-INF/MANIFEST.MF")) {
            assertTrue(files.find(path).isEmpty(), path + " was served");
        }
    }

    /** Every module the pages import is in the bundle: a missing one would break the console in the browser only. */
    @Test
    void everyImportedModuleAndEveryFileTheIndexLoadsExists() throws Exception {
        Pattern importFrom = Pattern.compile("from '\\./([a-z-]+\\.js)'");
        for (String module : modules()) {
            Matcher m = importFrom.matcher(text("/js/" + module));
            while (m.find()) {
                assertTrue(files.find("/js/" + m.group(1)).isPresent(), module + " imports the missing " + m.group(1));
            }
        }
        Matcher loaded = Pattern.compile("(?:src|href)=\"([a-z/.-]+\\.(?:js|css))\"").matcher(text("/"));
        int count = 0;
        while (loaded.find()) {
            assertTrue(files.find("/" + loaded.group(1)).isPresent(), "index.html loads the missing " + loaded.group(1));
            count++;
        }
        assertEquals(2, count);
    }

    /** The Content-Security-Policy allows no inline script and no other origin; the pages must not need them. */
    @Test
    void thePagesUseNoInlineScriptsStylesOrHtmlInjection() throws Exception {
        String index = text("/");
        assertTrue(!index.contains("<script>") && !index.contains("style="), "inline script or style in index.html");
        for (String module : modules()) {
            String code = text("/js/" + module);
            assertTrue(!code.contains("innerHTML") && !code.contains("eval(") && !code.contains("http://")
                    && !code.contains("https://"), module + " injects HTML, evaluates code or calls another origin");
        }
        assertTrue(ConsoleServlet.CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
        assertTrue(ConsoleServlet.CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    }

    /** Every ES module of the console, as the source tree has them (a new page is checked without a change here). */
    private static List<String> modules() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/console/js"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".js")).sorted().toList();
            assertTrue(names.containsAll(List.of("app.js", "api.js", "dom.js", "pages.js", "progress.js", "plan.js",
                    "checks.js", "restore.js")), "the console's modules: " + names);
            return names;
        }
    }
}
