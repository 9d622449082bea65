package io.ferry.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;

/** The Ferry version of this build: the io.ferry.agent bundle's version. */
final class FerryVersion {
    private static final String VERSION = read();

    private FerryVersion() {
    }

    static String current() {
        return VERSION;
    }

    private static String read() {
        // this jar's manifest (on a class path, "/META-INF/MANIFEST.MF" could be another jar's)
        String self = String.valueOf(FerryVersion.class.getResource("FerryVersion.class"));
        int bang = self.indexOf("!/");
        try (InputStream in = self.startsWith("jar:") && bang > 0
                ? new URL(self.substring(0, bang + 2) + "META-INF/MANIFEST.MF").openStream()
                : FerryVersion.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
            if (in != null) {
                String version = new Manifest(in).getMainAttributes().getValue("Bundle-Version");
                if (version != null && !version.isBlank()) {
                    return version;
                }
            }
        } catch (IOException e) {
            // unknown below
        }
        return "unknown";
    }
}
