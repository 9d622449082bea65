package io.ferry.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The console's static files, read from this bundle's {@code console/} folder. Only plain names
 * of the known kinds are served ({@code js/app.js}, {@code console.css}): no {@code ..}, no
 * hidden files, nothing outside the folder. Free of the servlet API, so it is tested on its own.
 */
final class ConsoleFiles {
    static final String FOLDER = "console/";
    static final String INDEX = "index.html";
    private static final Pattern SAFE_PATH = Pattern.compile("([a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.[a-z0-9]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** A file to send. */
    record File(String contentType, byte[] content) {
    }

    private final ClassLoader loader;

    ConsoleFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The file at {@code path} below {@code /console/} ({@code ""} or {@code "/"} is the index);
     * empty when there is none or the name is not one this folder serves.
     */
    Optional<File> find(String path) throws IOException {
        String name = path == null || path.isEmpty() || path.equals("/") ? INDEX : path.startsWith("/") ? path.substring(1) : path;
        if (!SAFE_PATH.matcher(name).matches() || name.contains("..")) {
            return Optional.empty();
        }
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        URL url = loader.getResource(FOLDER + name);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            return Optional.of(new File(type, in.readAllBytes()));
        }
    }
}
