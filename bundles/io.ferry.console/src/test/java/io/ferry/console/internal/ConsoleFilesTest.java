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
        for (String module : List.of("app.js", "api.js", "dom.js", "pages.js", "progress.js")) {
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
        for (String module : List.of("app.js", "api.js", "dom.js", "pages.js", "progress.js")) {
            String code = text("/js/" + module);
            assertTrue(!code.contains("innerHTML") && !code.contains("eval(") && !code.contains("http://")
                    && !code.contains("https://"), module + " injects HTML, evaluates code or calls another origin");
        }
        assertTrue(ConsoleServlet.CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
        assertTrue(ConsoleServlet.CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    }

    /** The restore page (js/restore.js) imports only modules of the bundle and injects no HTML either. */
    @Test
    void theRestorePageImportsOnlyBundledModulesAndInjectsNoHtml() throws Exception {
        String code = text("/js/restore.js");
        Matcher m = Pattern.compile("from '\\./([a-z-]+\\.js)'").matcher(code);
        int imports = 0;
        while (m.find()) {
            assertTrue(files.find("/js/" + m.group(1)).isPresent(), "restore.js imports the missing " + m.group(1));
            imports++;
        }
        assertEquals(2, imports);
        assertTrue(text("/js/app.js").contains("from './restore.js'"), "app.js routes to the restore page");
        assertTrue(!code.contains("innerHTML") && !code.contains("eval(") && !code.contains("http://")
                && !code.contains("https://"), "restore.js injects HTML, evaluates code or calls another origin");
    }
}
