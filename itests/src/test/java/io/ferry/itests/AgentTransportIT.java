package io.ferry.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

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
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * gRPC inside Karaf (issue 12): feature ferry-agent installs into the shipped distribution, the
 * shaded gRPC bundle (io.ferry.grpc), BouncyCastle and io.ferry.agent become ACTIVE, and a
 * mutual-TLS 1.3 gRPC call made by another bundle (this probe) with io.ferry.grpc's exported
 * packages goes through: grpc's registries (load balancer, name resolver) find their providers
 * from inside the shaded bundle, Netty's JDK TLS negotiates HTTP/2 by ALPN. The manager endpoint
 * component waits, unsatisfied, for the agent registry and the CA.
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
        // the manager endpoint's configuration is there from the start; its component activates
        // once the test provides the agent registry and the CA
        return FerryContainer.distribution(editConfigurationFilePut("etc/io.ferry.agent.manager.cfg", "port",
                FerryContainer.freePort()));
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
    public void theManagerEndpointWaitsForTheAgentRegistryAndTheCa()
            throws Exception {
        installFerryAgent();
        Bundle agent = bundle("io.ferry.agent");
        assertNotNull(agent);
        ServiceComponentRuntime componentRuntime = bundleContext.getService(
                bundleContext.getServiceReference(ServiceComponentRuntime.class));
        int endpoints = 0;
        for (ComponentDescriptionDTO description : componentRuntime.getComponentDescriptionDTOs(agent)) {
            List<ComponentConfigurationDTO> configurations = new ArrayList<>(
                    componentRuntime.getComponentConfigurationDTOs(description));
            if (description.name.endsWith("ManagerEndpointComponent")) {
                endpoints++;
                assertTrue("the endpoint is enabled", componentRuntime.isComponentEnabled(description));
                for (ComponentConfigurationDTO configuration : configurations) {
                    assertEquals("the endpoint waits for AgentRegistry and ManagerTls",
                            ComponentConfigurationDTO.UNSATISFIED_REFERENCE, configuration.state);
                }
            }
        }
        assertNull("no endpoint service without registry and CA",
                bundleContext.getServiceReference("io.ferry.agent.internal.AgentConnections"));
        assertEquals(1, endpoints);
    }

    /**
     * Without refreshing the running bundles: BouncyCastle and the gRPC bundle export packages that
     * some of Karaf's bundles (sshd, jline) import optionally; a refresh would restart them, and
     * SCR with them, under the test's feet.
     */
    private void installFerryAgent() throws Exception {
        featuresService.installFeature("ferry-agent", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
    }

    @Test
    public void theAgentComponentConnectsToTheManagerEndpointComponentWithMutualTlsAndHeartbeats() throws Exception {
        installFerryAgent();
        Bundle agentBundle = bundle("io.ferry.agent");
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "agent-it");
        AgentInKaraf lab = new AgentInKaraf(bundleContext, agentBundle);
        int port = AgentInKaraf.configuredManagerPort();
        List<ServiceRegistration<?>> services = lab.provideManagerServices();
        try {
            ServiceTracker<Object, Object> endpoint = new ServiceTracker<>(bundleContext,
                    bundleContext.createFilter("(objectClass=io.ferry.agent.internal.AgentConnections)"), null);
            endpoint.open();
            assertNotNull("the endpoint component activates with a registry and a CA",
                    endpoint.waitForService(30_000));
            try (Socket probe = new Socket("127.0.0.1", port)) {
                assertTrue("the endpoint listens on the configured port " + port, probe.isConnected());
            }

            lab.enrollAgent(work.resolve("agent"), port);

            long end = System.currentTimeMillis() + 60_000;
            while (lab.registry.heartbeats.size() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(200);
            }
            assertTrue("heartbeats of the agent component reach the registry: " + lab.registry.heartbeats,
                    lab.registry.heartbeats.size() >= 2);
            assertEquals(AgentInKaraf.SERVER + " from 127.0.0.1 protocol 1.0 slots 2", lab.registry.heartbeats.get(0));
            Object connections = endpoint.getService();
            assertEquals(List.of(AgentInKaraf.SERVER), connections.getClass().getMethod("connected")
                    .invoke(connections));
            endpoint.close();
        } finally {
            Files.deleteIfExists(Path.of(System.getProperty("karaf.etc"), "io.ferry.agent.client.cfg"));
            for (ServiceRegistration<?> registration : services) {
                registration.unregister();
            }
        }
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
