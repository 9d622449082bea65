package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.assertMentions;
import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OsInfoTest {

    @Test
    void fullFormGivesFamilyDistributionAndVersion() {
        OsInfo os = OsInfo.parse("linux:rocky:9.3");

        assertEquals(OsFamily.LINUX, os.family());
        assertEquals("rocky", os.distribution());
        assertEquals("9.3", os.version());
    }

    @Test
    void familyAloneLeavesDistributionAndVersionEmpty() {
        OsInfo os = OsInfo.parse("windows");

        assertEquals(OsFamily.WINDOWS, os.family());
        assertEquals("", os.distribution());
        assertEquals("", os.version());
    }

    @Test
    void familyAndDistributionWithoutVersion() {
        assertEquals(OsInfo.linux("ubuntu", ""), OsInfo.parse("linux:ubuntu"));
    }

    @Test
    void familyAndDistributionAreCaseInsensitiveAndStoredLowerCase() {
        OsInfo os = OsInfo.parse(" Windows:Server:2022 ");

        assertEquals(OsInfo.windows("server", "2022"), os);
        assertTrue(os.isWindows());
    }

    @Test
    void versionKeepsItsCase() {
        assertEquals("8.0U2", OsInfo.parse("linux:esxi:8.0U2").version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux:rocky:9.3", "windows:server:2022", "linux", "linux:ubuntu", "linux::9"})
    void textFormRoundTrips(String text) {
        assertEquals(text, OsInfo.parse(text).toString());
        assertEquals(OsInfo.parse(text), OsInfo.parse(OsInfo.parse(text).toString()));
    }

    @Test
    void unknownFamilyIsRefusedWithTheExpectedForm() {
        ValidationException e = refused("os", () -> OsInfo.parse("solaris:11"));

        assertEquals("os: 'solaris' is not an OS family; use windows or linux"
                + " (form family[:distribution[:version]], e.g. linux:rocky:9.3)", e.getMessage());
    }

    @Test
    void emptyFamilyIsRefused() {
        assertMentions(refused("os", () -> OsInfo.parse(":rocky:9")), "'' is not an OS family");
    }

    @Test
    void moreThanThreePartsAreRefused() {
        ValidationException e = refused("os", () -> OsInfo.parse("linux:rocky:9:3"));

        assertEquals("os: 'linux:rocky:9:3' has too many parts; expected family[:distribution[:version]]",
                e.getMessage());
    }

    @Test
    void missingOsIsRequired() {
        assertEquals("os: is required", refused("os", () -> OsInfo.parse(" ")).getMessage());
        refused("os", () -> OsInfo.parse(null));
    }

    @Test
    void distributionWithSpacesIsRefused() {
        ValidationException e = refused("os.distribution", () -> OsInfo.parse("linux:Rocky Linux:9"));

        assertMentions(e, "'rocky linux' is not a valid distribution name");
    }

    @Test
    void versionWithSpacesIsRefused() {
        ValidationException e = refused("os.version", () -> OsInfo.linux("rhel", "9 beta"));

        assertMentions(e, "'9 beta' is not a valid version");
    }

    @Test
    void familyIsRequired() {
        assertEquals("os.family: is required", refused("os.family", () -> new OsInfo(null, "rhel", "9")).getMessage());
    }

    @Test
    void nullDistributionAndVersionMeanUnknown() {
        OsInfo os = new OsInfo(OsFamily.LINUX, null, null);

        assertEquals("", os.distribution());
        assertEquals("", os.version());
        assertEquals("linux", os.toString());
    }

    @Test
    void majorVersionIsTheLeadingNumber() {
        assertEquals(OptionalInt.of(9), OsInfo.linux("rocky", "9.3").majorVersion());
        assertEquals(OptionalInt.of(2022), OsInfo.windows("server", "2022").majorVersion());
        assertEquals(OptionalInt.of(8), OsInfo.linux("esxi", "8.0u2").majorVersion());
        assertEquals(OptionalInt.of(10), OsInfo.linux("rhel", "10").majorVersion());
    }

    @Test
    void majorVersionIsEmptyWithoutALeadingNumber() {
        assertEquals(OptionalInt.empty(), OsInfo.linux("rocky", "").majorVersion());
        assertEquals(OptionalInt.empty(), OsInfo.linux("debian", "bookworm").majorVersion());
        assertEquals(OptionalInt.empty(), OsInfo.windows("client", "v11").majorVersion());
    }

    @Test
    void majorVersionTooLongForANumberIsEmptyRatherThanAnError() {
        assertEquals(OptionalInt.empty(), OsInfo.linux("x", "12345678901").majorVersion());
    }

    @Test
    void onlyWindowsIsWindows() {
        assertTrue(OsInfo.parse("windows").isWindows());
        assertFalse(OsInfo.parse("linux").isWindows());
    }
}
