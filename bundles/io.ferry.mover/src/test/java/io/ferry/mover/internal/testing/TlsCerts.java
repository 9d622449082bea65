package io.ferry.mover.internal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test certificates for NBD over TLS, made with {@code certtool} (gnutls-bin): a CA, a
 * server certificate for {@code localhost} and {@code 127.0.0.1}, and a client certificate,
 * all ECDSA and valid for 30 days. The file names are the ones qemu-nbd
 * ({@code tls-creds-x509 dir=}), nbdkit ({@code --tls-certificates=}) and libnbd
 * ({@code nbd_set_tls_certificates}) look for, so one directory serves all three.
 *
 * @param dir holds {@code ca-cert.pem}, {@code server-cert.pem}, {@code server-key.pem},
 *            {@code client-cert.pem}, {@code client-key.pem}, {@code dh-params.pem} (and the CA key)
 */
public record TlsCerts(Path dir) {

    /** Generates a fresh CA and certificates into {@code dir} (created if needed). */
    public static TlsCerts generate(Path dir) {
        try {
            Files.createDirectories(dir);
            String ca = "cn = Ferry test CA " + dir.getFileName() + "\nca\ncert_signing_key\nexpiration_days = 30\n";
            String server = "organization = Ferry tests\ncn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\n"
                    + "tls_www_server\nencryption_key\nsigning_key\nexpiration_days = 30\n";
            String client = "organization = Ferry tests\ncn = ferry-client\ntls_www_client\nencryption_key\n"
                    + "signing_key\nexpiration_days = 30\n";
            Path caTemplate = Files.writeString(dir.resolve("ca.info"), ca);
            Path serverTemplate = Files.writeString(dir.resolve("server.info"), server);
            Path clientTemplate = Files.writeString(dir.resolve("client.info"), client);
            privateKey(dir.resolve("ca-key.pem"));
            Tools.run("certtool", "--generate-self-signed", "--load-privkey", dir.resolve("ca-key.pem").toString(),
                    "--template", caTemplate.toString(), "--outfile", dir.resolve("ca-cert.pem").toString());
            signed(dir, "server", serverTemplate);
            signed(dir, "client", clientTemplate);
            // Without dh-params.pem qemu-nbd generates DH parameters at start-up (seconds);
            // these are the fixed RFC 7919 ffdhe2048 ones.
            Tools.run("certtool", "--get-dh-params", "--sec-param=medium", "--outfile",
                    dir.resolve("dh-params.pem").toString());
            return new TlsCerts(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS test certificates to " + dir, e);
        }
    }

    private static void privateKey(Path file) {
        Tools.run("certtool", "--generate-privkey", "--key-type=ecdsa", "--outfile", file.toString());
    }

    private static void signed(Path dir, String name, Path template) {
        Path key = dir.resolve(name + "-key.pem");
        privateKey(key);
        Tools.run("certtool", "--generate-certificate", "--load-ca-certificate", dir.resolve("ca-cert.pem").toString(),
                "--load-ca-privkey", dir.resolve("ca-key.pem").toString(), "--load-privkey", key.toString(),
                "--template", template.toString(), "--outfile", dir.resolve(name + "-cert.pem").toString());
    }

    public Path caCert() {
        return dir.resolve("ca-cert.pem");
    }
}
