package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.DiskDigest;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import io.ferry.mover.internal.testing.TlsCerts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NbdTlsTest {

    @TempDir
    static Path dir;
    static Path raw;
    static Path qcow2;
    static String sha256;
    static TlsCerts certs;
    static TlsCerts otherCa;

    private final DiskSources sources = new DiskSourcesImpl();

    @BeforeAll
    static void makeImagesAndCertificates() {
        raw = Images.raw(dir.resolve("disk.raw"));
        qcow2 = Images.convert(raw, "qcow2", dir.resolve("disk.qcow2"));
        sha256 = Images.sha256(raw);
        certs = TlsCerts.generate(dir.resolve("pki"));
        otherCa = TlsCerts.generate(dir.resolve("other-pki"));
    }

    /**
     * Reads one chunk only: qemu-nbd 7.2 answers each request over TCP+TLS about 40 ms late
     * (Nagle against delayed ACKs), which would make a whole-disk read slow for a unit test.
     */
    @Test
    void nbdsToQemuNbdOnLoopbackWithTheRightCaReads() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").tls(certs).overTcp().start(dir);
                DiskSource source = sources.open(server.uri(),
                        SourceOptions.defaults().withTlsCertificates(certs.dir()))) {
            assertTrue(server.uri().startsWith("nbds://127.0.0.1:"), server.uri());
            ByteBuffer chunk = ByteBuffer.allocate(4 << 20);
            source.read(chunk, 0);
            assertEquals(ByteBuffer.wrap(Files.readAllBytes(raw), 0, 4 << 20), chunk.flip());
        }
    }

    @Test
    void nbdsToNbdkitOnLoopbackReadsTheDisk() throws IOException {
        try (NbdServer server = NbdServer.nbdkit(raw).tls(certs).overTcp().start(dir);
                DiskSource source = sources.open(server.uri(),
                        SourceOptions.defaults().withTlsCertificates(certs.dir()))) {
            assertEquals(sha256, DiskDigest.of(source).sha256());
        }
    }

    @Test
    void nbdsToQemuNbdOverAUnixSocketReadsTheDisk() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").tls(certs).start(dir);
                DiskSource source = sources.open(server.uri(),
                        SourceOptions.defaults().withTlsCertificates(certs.dir()))) {
            assertTrue(server.uri().startsWith("nbds+unix:///?socket="), server.uri());
            assertEquals(sha256, DiskDigest.of(source).sha256());
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedWithATlsError() {
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").tls(certs).overTcp().start(dir)) {
            FerryException e = assertThrows(FerryException.class, () -> sources.open(server.uri(),
                    SourceOptions.defaults().withTlsCertificates(otherCa.dir())));

            String message = e.getMessage();
            assertTrue(message.startsWith("Cannot open NBD source " + server.uri() + ": "), message);
            assertTrue(message.toLowerCase(Locale.ROOT).contains("certificate"), message);
            assertTrue(message.contains("TLS"), message);
            System.out.println("wrong CA: " + message);
        }
    }

    @Test
    void aPlainNbdClientIsToldTheServerRequiresTls() {
        try (NbdServer server = NbdServer.nbdkit(raw).tls(certs).overTcp().start(dir)) {
            String plain = server.uri().replace("nbds://", "nbd://");

            FerryException e = assertThrows(FerryException.class, () -> sources.open(plain, SourceOptions.defaults()));

            assertTrue(e.getMessage().contains("TLS"), e.getMessage());
            System.out.println("plain client: " + e.getMessage());
        }
    }

    @Test
    void aCertificateDirectoryWithoutCaCertIsRefusedBeforeConnecting() {
        ValidationException e = assertThrows(ValidationException.class, () -> sources.open("nbds://127.0.0.1:1/",
                SourceOptions.defaults().withTlsCertificates(dir)));

        assertEquals("tlsCertificates", e.field());
        assertTrue(e.problem().startsWith(dir + " has no ca-cert.pem"), e.problem());
    }
}
