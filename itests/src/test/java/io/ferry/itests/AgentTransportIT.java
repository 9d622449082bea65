package io.ferry.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * gRPC inside Karaf (issue 12): feature ferry-agent installs into the shipped distribution, the
 * shaded gRPC bundle (io.ferry.grpc), BouncyCastle and io.ferry.agent become ACTIVE, and a
 * mutual-TLS 1.3 gRPC call made by another bundle (this probe) with io.ferry.grpc's exported
 * packages goes through: grpc's registries (load balancer, name resolver) find their providers
 * from inside the shaded bundle, Netty's JDK TLS negotiates HTTP/2 by ALPN. On the manager the
 * endpoint component is active with the catalog's agent registry and the manager's CA, and
 * listens on its configured port. (Enrollment, heartbeats and tasks between real processes:
 * AgentsIT.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AgentTransportIT {
    private static final List<String> AGENT_BUNDLES = List.of("io.ferry.grpc", "io.ferry.agent", "bcprov", "bcutil",
            "bcpkix");

    @Inject
    @Filter(timeout = 120_000)
    protected BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Configuration
    public Option[] config() {
        // FerryContainer gives the agent endpoint a free port (etc/io.ferry.agent.manager.cfg)
        return FerryContainer.distribution();
    }

    @Test
    public void featureFerryAgentInstallsAndAMutualTlsGrpcCallWorksInsideKaraf() throws Exception {
        installFerryAgent();
        List<String> notActive = new ArrayList<>();
        for (String name : AGENT_BUNDLES) {
            Bundle bundle = bundle(name);
            assertNotNull("bundle " + name + " is not installed", bundle);
            if (bundle.getState() != Bundle.ACTIVE) {
                notActive.add(name + " state " + bundle.getState());
            }
        }
        assertTrue("not ACTIVE: " + notActive, notActive.isEmpty());

        String answer = GrpcInKaraf.mutualTlsCall();

        assertEquals("hello karaf, agent px-01", answer);
    }

    @Test
    public void theManagerEndpointRunsWithTheCatalogsRegistryAndTheManagersCa() throws Exception {
        installFerryAgent();
        ServiceTracker<Object, Object> endpoint = new ServiceTracker<>(bundleContext,
                bundleContext.createFilter("(objectClass=io.ferry.api.agent.EnrollmentEndpoint)"), null);
        endpoint.open();
        try {
            Object service = endpoint.waitForService(60_000);
            assertNotNull("the endpoint component is active on the manager", service);
            String fingerprint = (String) service.getClass().getMethod("caFingerprint").invoke(service);
            Path caCertificate = Path.of(System.getProperty("karaf.data"), "ferry", "ca", "ca.crt");
            java.security.cert.X509Certificate ca = (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                            Files.newInputStream(caCertificate));
            String expected = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
            assertEquals("the enrollment endpoint pins the CA made at first start", expected, fingerprint);
            int port = configuredManagerPort();
            assertEquals("127.0.0.1:" + port, service.getClass().getMethod("address").invoke(service));
            try (Socket probe = new Socket("127.0.0.1", port)) {
                assertTrue("the endpoint listens on the configured port " + port, probe.isConnected());
            }
        } finally {
            endpoint.close();
        }
    }

    /**
     * Without refreshing the running bundles: BouncyCastle and the gRPC bundle export packages that
     * some of Karaf's bundles (sshd, jline) import optionally; a refresh would restart them, and
     * SCR with them, under the test's feet.
     */
    private void installFerryAgent() throws Exception {
        featuresService.installFeature("ferry-agent", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
    }

    private static int configuredManagerPort() throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(Path.of(System.getProperty("karaf.etc"),
                "io.ferry.agent.manager.cfg"))) {
            p.load(in);
        }
        return Integer.parseInt(p.getProperty("port").trim());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

}
