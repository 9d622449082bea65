package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.assertMentions;
import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest(name = "{0} is kept as {1}")
    @CsvSource({
            "10.0.1.0/24, 10.0.1.0/24",
            "' 192.168.0.0/16 ', 192.168.0.0/16",
            "0.0.0.0/0, 0.0.0.0/0",
            "10.0.1.7/32, 10.0.1.7/32",
            "010.000.001.000/24, 10.0.1.0/24",
            "10.0.1.0/024, 10.0.1.0/24"})
    void ipv4NetworkIsKeptInCanonicalForm(String text, String canonical) {
        assertEquals(canonical, Cidr.of(text).value());
        assertEquals(canonical, Cidr.of(text).toString());
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
            "2001:db8::/32, 2001:db8::/32",
            "2001:0DB8:0000:0000::/32, 2001:db8::/32",
            "2001:db8:0:0:0:0:0:0/32, 2001:db8::/32",
            "::/0, ::/0",
            "fe80::/10, fe80::/10",
            "2001:db8:0:1::/64, 2001:db8:0:1::/64",
            "2001:0:0:1::/64, 2001:0:0:1::/64",
            "2001:db8:0:0:1:0:0:0/80, 2001:db8:0:0:1::/80",
            "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
            "2001:db8:1:0:1::/80, 2001:db8:1:0:1::/80",
            "2001:db8::1/128, 2001:db8::1/128"})
    void ipv6NetworkIsCompressedTheWayAdministratorsWriteIt(String text, String canonical) {
        assertEquals(canonical, Cidr.of(text).value());
    }

    @Test
    void cidrWithHostBitsIsRefusedWithTheNetworkItProbablyMeans() {
        ValidationException e = refused("network", () -> Cidr.of("10.0.1.5/24"));

        assertEquals("network: '10.0.1.5/24' has host bits set; did you mean '10.0.1.0/24'?", e.getMessage());
    }

    @Test
    void ipv6CidrWithHostBitsIsRefusedWithTheCompressedNetworkItProbablyMeans() {
        ValidationException e = refused("network", () -> Cidr.of("2001:db8::1/32"));

        assertEquals("network: '2001:db8::1/32' has host bits set; did you mean '2001:db8::/32'?", e.getMessage());
    }

    @Test
    void hostBitsBelowAByteBoundaryAreNoticed() {
        ValidationException e = refused("network", () -> Cidr.of("10.0.1.128/23"));

        assertMentions(e, "did you mean '10.0.0.0/23'?");
    }

    @Test
    void addressWithoutPrefixLengthIsRefusedWithAnExample() {
        ValidationException e = refused("network", () -> Cidr.of("10.0.1.0"));

        assertEquals("network: '10.0.1.0' is not in CIDR notation; expected e.g. 10.0.1.0/24", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"corp-lan/24", "10.0.1/24", "10.0.1.256/32", "/24", "2001:db8::g/32"})
    void networkThatDoesNotStartWithAnIpAddressIsRefused(String text) {
        ValidationException e = refused("network", () -> Cidr.of(text));

        assertMentions(e, "'" + text + "' does not start with an IP address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/24/8"})
    void ipv4PrefixLengthOutside0To32IsRefused(String text) {
        ValidationException e = refused("network", () -> Cidr.of(text));

        assertEquals("network: '" + text + "' has an invalid prefix length; use 0-32", e.getMessage());
    }

    @Test
    void ipv6PrefixLengthOutside0To128IsRefused() {
        ValidationException e = refused("network", () -> Cidr.of("2001:db8::/129"));

        assertEquals("network: '2001:db8::/129' has an invalid prefix length; use 0-128", e.getMessage());
    }

    @Test
    void missingNetworkIsRequired() {
        assertEquals("network: is required", refused("network", () -> Cidr.of("  ")).getMessage());
        refused("network", () -> Cidr.of(null));
    }

    @Test
    void prefixLengthIsTheNumberAfterTheSlash() {
        assertEquals(24, Cidr.of("10.0.1.0/24").prefixLength());
        assertEquals(0, Cidr.of("::/0").prefixLength());
        assertEquals(128, Cidr.of("2001:db8::1/128").prefixLength());
    }

    @Test
    void sameNetworkWrittenDifferentlyIsEqual() {
        assertEquals(Cidr.of("2001:db8::/32"), Cidr.of("2001:0db8:0:0::/32"));
        assertEquals(Cidr.of("10.0.1.0/24"), Cidr.of("010.0.1.0/24"));
    }

    @Test
    void networkContainingAnotherOverlapsIt() {
        Cidr site = Cidr.of("10.0.0.0/16");
        Cidr lan = Cidr.of("10.0.1.0/24");

        assertTrue(site.overlaps(lan));
        assertTrue(lan.overlaps(site));
        assertTrue(lan.overlaps(lan));
    }

    @Test
    void neighbouringNetworksDoNotOverlap() {
        assertFalse(Cidr.of("10.0.1.0/24").overlaps(Cidr.of("10.0.2.0/24")));
        assertFalse(Cidr.of("10.0.0.0/25").overlaps(Cidr.of("10.0.0.128/25")));
    }

    @Test
    void ipv6NetworksOverlapByPrefix() {
        assertTrue(Cidr.of("2001:db8::/32").overlaps(Cidr.of("2001:db8:0:1::/64")));
        assertFalse(Cidr.of("2001:db8::/32").overlaps(Cidr.of("2001:db9::/32")));
    }

    @Test
    void ipv4AndIpv6NetworksNeverOverlap() {
        assertFalse(Cidr.of("0.0.0.0/0").overlaps(Cidr.of("::/0")));
        assertFalse(Cidr.of("::/0").overlaps(Cidr.of("0.0.0.0/0")));
    }

    @Test
    void defaultRouteOverlapsEveryNetworkOfItsFamily() {
        assertTrue(Cidr.of("0.0.0.0/0").overlaps(Cidr.of("192.168.7.0/24")));
    }

    @Test
    void containsAnAddressInsideTheNetwork() {
        Cidr lan = Cidr.of("10.0.1.0/24");

        assertTrue(lan.contains("10.0.1.0"));
        assertTrue(lan.contains("10.0.1.77"));
        assertTrue(lan.contains("10.0.1.255"));
        assertFalse(lan.contains("10.0.2.1"));
    }

    @Test
    void containsAnIpv6Address() {
        assertTrue(Cidr.of("2001:db8::/32").contains("2001:db8:1::10"));
        assertFalse(Cidr.of("2001:db8::/32").contains("2001:db9::10"));
    }

    @Test
    void containsNeverMatchesAnotherAddressFamilyOrAHostName() {
        assertFalse(Cidr.of("0.0.0.0/0").contains("2001:db8::1"));
        assertFalse(Cidr.of("::/0").contains("10.0.0.1"));
        assertFalse(Cidr.of("0.0.0.0/0").contains("px-01.corp.invalid"));
        assertFalse(Cidr.of("0.0.0.0/0").contains("10.0.0.256"));
    }

    @Test
    void networksSortByTheirCanonicalText() {
        TreeSet<Cidr> sorted = new TreeSet<>(List.of(
                Cidr.of("192.168.0.0/16"), Cidr.of("10.0.2.0/24"), Cidr.of("10.0.1.0/24"), Cidr.of("10.0.1.0/25")));

        assertEquals(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("10.0.1.0/25"), Cidr.of("10.0.2.0/24"),
                Cidr.of("192.168.0.0/16")), List.copyOf(sorted));
    }
}
