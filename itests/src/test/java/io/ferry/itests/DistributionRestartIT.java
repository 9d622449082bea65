package io.ferry.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The distribution as an operator runs it, without Pax Exam: unpack the zip, bin/start,
 * commands through bin/client in batch mode (the README's command), bin/stop, start
 * again. The inventory must survive the restart.
 */
public class DistributionRestartIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String LIST = "ferry:server-list --json";

    private UnpackedDistribution ferry;

    @Before
    public void unpack() throws Exception {
        Path parent = Path.of("target", "restart-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        ferry = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), parent);
    }

    @After
    public void killLeftovers() {
        if (ferry != null) {
            ferry.kill();
        }
    }

    @Test
    public void serverAddedBeforeARestartIsStillListedAfterIt() throws Exception {
        ferry.start();
        String fresh = ferry.awaitClient(LIST, BOOT_TIMEOUT);
        assertFalse("px-restart listed before it was added:\n" + fresh, fresh.contains("\"px-restart\""));
        // The first start installs the boot features without stopping (to refresh) a bundle Karaf
        // started before them: such a refresh (of pax-logging-api, once eventadmin was a boot
        // feature) now and then deadlocked the first start with the features service's own start.
        String firstLog = Files.readString(ferry.home().resolve("data/log/karaf.log"));
        int refresh = firstLog.indexOf("Stopping bundles:");
        if (refresh >= 0) {
            fail("the first start stopped bundles to refresh them (data/log/karaf.log):\n"
                    + firstLog.substring(refresh, Math.min(firstLog.length(), refresh + 2000)));
        }

        ferry.ok("ferry:server-add --address 10.0.9.21 --os linux:debian:12 --network 10.0.9.0/24 px-restart");
        String added = ferry.ok(LIST);
        assertTrue("px-restart not listed after server-add:\n" + added, added.contains("\"px-restart\""));
        ferry.stop(STOP_TIMEOUT);

        ferry.start();
        String restarted = ferry.awaitClient(LIST, BOOT_TIMEOUT);
        assertTrue("px-restart lost by the restart:\n" + restarted, restarted.contains("\"px-restart\""));
        ferry.stop(STOP_TIMEOUT);
    }
}
