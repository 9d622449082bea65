package io.ferry.itests;

import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.useOwnExamBundlesStartLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * Pax Exam options that boot the assembled Ferry distribution (the zip built by
 * karaf-distribution/) exactly as shipped, with only what a test run needs changed.
 * Runs in the driver JVM.
 */
final class FerryContainer {
    static final String INVENTORY_CFG = "etc/io.ferry.inventory.cfg";

    static final String PATHS_CFG = "etc/io.ferry.paths.cfg";

    /** Pax Web's configuration: the REST API's HTTPS listener. */
    static final String REST_CFG = "etc/org.ops4j.pax.web.cfg";

    private FerryContainer() {
    }

    /** The distribution, plus {@code extra} options (e.g. inventory configuration). */
    static Option[] distribution(Option... extra) {
        File zip = distributionZip();
        String localRepo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(zip.toURI().toString())
                        .karafVersion(System.getProperty("karaf.version", "4.4.10"))
                        .name("Ferry")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                // The container fetches the Pax Exam bundles through its own pax-url-mvn.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        localRepo),
                // Synchronous boot provisioning deadlocks with the refresh the exam feature causes;
                // tests wait for BootFinished instead.
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBootAsynchronous", "true"),
                // Pax Exam installs its probe as soon as its own bundles run; while the boot
                // deployment is still going, Karaf's resolver hook refuses it ("Resolver hook
                // prevented resolution"). Starting the exam bundles after Ferry's (level 80)
                // narrows that window.
                useOwnExamBundlesStartLevel(100),
                // Free ports, so that a running Ferry or a parallel build does not collide.
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                editConfigurationFilePut("etc/io.ferry.agent.manager.cfg", "port", freePort()),
                editConfigurationFilePut(REST_CFG, "org.osgi.service.http.port.secure", freePort())));
        // Confined paths (etc/io.ferry.paths.cfg): the tests' disks, sockets, repositories, password
        // files and restores are under ${karaf.data} and /tmp; imports also read the shipped samples/
        for (String setting : List.of("disk.roots", "socket.roots", "restore.roots", "password.roots",
                "repository.roots")) {
            options.add(editConfigurationFilePut(PATHS_CFG, setting, "${karaf.data}, /tmp"));
        }
        options.add(editConfigurationFilePut(PATHS_CFG, "transfer.roots", "${karaf.data}, /tmp, ${karaf.home}/samples"));
        options.addAll(Arrays.asList(extra));
        return options(options.toArray(Option[]::new));
    }

    static File distributionZip() {
        String path = System.getProperty("ferry.distribution");
        if (path == null || path.isBlank()) {
            throw new IllegalStateException("System property ferry.distribution is not set: run the tests through"
                    + " Maven (./mvnw -B verify), which points it at karaf-distribution/target/*.zip");
        }
        File zip = new File(path);
        if (!zip.isFile()) {
            throw new IllegalStateException("Distribution " + zip + " does not exist: build karaf-distribution first"
                    + " (./mvnw -B verify builds the whole reactor)");
        }
        return zip;
    }

    /** A TCP port nobody listens on right now (bound and released again). */
    static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port", e);
        }
    }
}
