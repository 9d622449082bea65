package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.security.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Declaring a server or host never waits for DNS: names of other sites, of machines not yet
 * installed, or behind split-horizon DNS must be accepted as written, at once.
 */
class AddressesAreNeverLookedUpTest {

    @Test
    void unresolvableHostNameIsAcceptedInstantly() {
        ServerSpec spec = assertTimeoutPreemptively(Duration.ofMillis(500),
                () -> ServerSpec.builder("px-01", "px-01.corp.invalid").build());

        assertEquals("px-01.corp.invalid", spec.address());
    }

    @ParameterizedTest
    @ValueSource(strings = {"px-01.corp.invalid", "esx-07.lab.invalid", "2001:db8::21", "10.0.1.21"})
    void serverAddressIsNeverLookedUp(String address) throws Throwable {
        assertNoNameLookup(() -> ServerSpec.builder("px-01", address).build());
    }

    @Test
    void hostAddressIsNeverLookedUp() throws Throwable {
        assertNoNameLookup(() -> new HostSpec("vc-01", HostKind.VCENTER, "vc-01.corp.invalid", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {".:1", "..:", ".1:2:3", "abc:def", "2001:db8:::1", "1.2.3.4:5"})
    void textThatOnlyLooksLikeAnIpv6LiteralIsRefusedWithoutALookup(String address) throws Throwable {
        assertNoNameLookup(() -> refused("address", () -> ServerSpec.builder("px-01", address).build()));
    }

    @Test
    void networkAndMembershipChecksNeverLookUp() throws Throwable {
        assertNoNameLookup(() -> {
            Cidr.of("2001:db8::/32").contains("px-01.corp.invalid");
            Cidr.of("10.0.0.0/8").contains(".:1");
            refused("network", () -> Cidr.of("px-01.corp.invalid/24"));
        });
    }

    @Test
    void theLookupSpyNoticesALookup() {
        assertThrows(AssertionError.class, () -> assertNoNameLookup(() -> InetAddress.getByName("px-01.corp.invalid")));
    }

    /**
     * Runs {@code action} while a security manager refuses every host name resolution done by
     * this thread ({@code checkConnect(host, -1)} is how {@link InetAddress} asks before a
     * lookup), and fails if one was attempted. Skipped where the JVM no longer allows a
     * security manager to be installed.
     */
    @SuppressWarnings("removal")
    private static void assertNoNameLookup(Executable action) throws Throwable {
        Thread caller = Thread.currentThread();
        List<String> lookups = new ArrayList<>();
        SecurityManager spy = new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1 && Thread.currentThread() == caller) {
                    lookups.add(host);
                    throw new SecurityException("name lookup of '" + host + "'");
                }
            }
        };
        SecurityManager saved = System.getSecurityManager();
        try {
            System.setSecurityManager(spy);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("this JVM does not allow a security manager: " + e.getMessage());
        }
        Throwable thrown = null;
        try {
            action.execute();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            System.setSecurityManager(saved);
        }
        if (!lookups.isEmpty()) {
            fail("looked up " + lookups, thrown);
        }
        if (thrown != null) {
            throw thrown;
        }
    }
}
