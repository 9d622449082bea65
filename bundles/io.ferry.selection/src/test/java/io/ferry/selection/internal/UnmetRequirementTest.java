package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/** What ferry:plugins says about a refused plugin, from the requirement the resolver could not meet. */
class UnmetRequirementTest {
    private static final String PACKAGE = "osgi.wiring.package";
    /** The filter bnd and Felix write for Import-Package: io.ferry.api.spi;version="[2.0,3)". */
    private static final String SPI_2 = "(&(osgi.wiring.package=io.ferry.api.spi)(version>=2.0.0)(!(version>=3.0.0)))";

    @Test
    @DisplayName("a plugin built for SPI 2 on a Ferry with SPI 1.1: the range it needs and the version there is")
    void wrongVersionNamesTheRangeAndTheProvidedVersion() {
        assertEquals("needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1",
                UnmetRequirement.describe(PACKAGE, SPI_2, List.of(new Version(1, 1, 0))));
    }

    @Test
    @DisplayName("a package this Ferry does not export at all is named as missing, not as a wrong version")
    void missingPackageIsSaidToBeMissing() {
        assertEquals("needs io.ferry.api.cloud [1.0,2); this Ferry does not provide io.ferry.api.cloud",
                UnmetRequirement.describe(PACKAGE,
                        "(&(osgi.wiring.package=io.ferry.api.cloud)(version>=1.0.0)(!(version>=2.0.0)))", List.of()));
        assertEquals("needs com.acme.sdk; this Ferry does not provide com.acme.sdk",
                UnmetRequirement.describe(PACKAGE, "(osgi.wiring.package=com.acme.sdk)", List.of()));
    }

    @Test
    @DisplayName("several provided versions are all listed, in order, without repeats")
    void severalProvidedVersionsAreListedInOrder() {
        assertEquals("needs io.ferry.api.spi [2.0,3); this Ferry provides 1.0 and 1.1.2",
                UnmetRequirement.describe(PACKAGE, SPI_2,
                        List.of(new Version(1, 1, 2), new Version(1, 0, 0), new Version(1, 0, 0))));
        assertEquals("needs io.ferry.api.spi [2.0,3); this Ferry provides 0.9, 1.0 and 1.1",
                UnmetRequirement.describe(PACKAGE, SPI_2,
                        List.of(new Version(1, 1, 0), new Version(0, 9, 0), new Version(1, 0, 0))));
    }

    @Test
    @DisplayName("a provided version inside the range means something else stands in the way: bundle:diag")
    void providedVersionInsideTheRangeSendsTheOperatorToBundleDiag() {
        assertEquals("needs io.ferry.api.spi [1.0,2) with bundle-symbolic-name=io.ferry.api2; this Ferry provides 1.1,"
                + " but it cannot be wired (bundle:diag tells why)", UnmetRequirement.describe(PACKAGE,
                "(&(osgi.wiring.package=io.ferry.api.spi)(version>=1.0.0)(!(version>=2.0.0))"
                        + "(bundle-symbolic-name=io.ferry.api2))", List.of(new Version(1, 1, 0))));
    }

    @Test
    @DisplayName("version ranges read as bnd writes them in manifests")
    void rangesAreFormattedAsInManifests() {
        assertEquals("[1.1,2)", UnmetRequirement.range(VersionRange.valueOf("[1.1.0,2.0.0)")));
        assertEquals("[2.0,3)", UnmetRequirement.range(VersionRange.valueOf("[2,3)")));
        assertEquals("[1.1,1.2)", UnmetRequirement.range(VersionRange.valueOf("[1.1,1.2)")));
        assertEquals("(1.0.5,2.1]", UnmetRequirement.range(VersionRange.valueOf("(1.0.5,2.1]")));
        assertEquals("[1.0,2.0.0.beta)", UnmetRequirement.range(VersionRange.valueOf("[1.0,2.0.0.beta)")));
        assertEquals("1.5 or later", UnmetRequirement.range(VersionRange.valueOf("1.5")));
        assertEquals("exactly 1.1", UnmetRequirement.range(VersionRange.valueOf("[1.1,1.1]")));
        assertEquals("", UnmetRequirement.range(UnmetRequirement.ANY));
        assertEquals("1.1", UnmetRequirement.version(new Version(1, 1, 0)));
        assertEquals("1.1.3.SNAPSHOT", UnmetRequirement.version(Version.parseVersion("1.1.3.SNAPSHOT")));
        assertEquals("2.0.0.SNAPSHOT", UnmetRequirement.version(Version.parseVersion("2.0.0.SNAPSHOT")));
    }

    @Test
    @DisplayName("every way a filter bounds the version: closed and open floors and ceilings, an exact version")
    void filtersParseIntoTheirRange() {
        assertEquals(new UnmetRequirement(PACKAGE, "io.ferry.api.spi", VersionRange.valueOf("[2.0,3.0)"), Map.of()),
                UnmetRequirement.parse(PACKAGE, SPI_2).orElseThrow());
        assertEquals(VersionRange.valueOf("(1.0,2.0]"), UnmetRequirement.parse(PACKAGE,
                "(&(osgi.wiring.package=p)(!(version<=1.0))(version<=2.0))").orElseThrow().range());
        assertEquals(VersionRange.valueOf("[1.2.3,1.2.3]"), UnmetRequirement.parse(PACKAGE,
                "(&(osgi.wiring.package=p)(version=1.2.3))").orElseThrow().range());
        assertEquals(UnmetRequirement.ANY, UnmetRequirement.parse(PACKAGE, "(osgi.wiring.package=p)").orElseThrow()
                .range());
    }

    @Test
    @DisplayName("requirements other than packages name their namespace: a missing Declarative Services extender")
    void otherNamespacesAreNamed() {
        assertEquals("needs osgi.extender osgi.component [1.5,2); this Ferry provides 1.4",
                UnmetRequirement.describe("osgi.extender",
                        "(&(osgi.extender=osgi.component)(version>=1.5.0)(!(version>=2.0.0)))",
                        List.of(new Version(1, 4, 0))));
        assertEquals("needs osgi.wiring.bundle com.acme.core 2.0 or later; this Ferry does not provide com.acme.core",
                UnmetRequirement.describe("osgi.wiring.bundle",
                        "(&(osgi.wiring.bundle=com.acme.core)(bundle-version>=2.0.0))", List.of()));
    }

    @Test
    @DisplayName("a filter in no usual form is shown as it is rather than misread")
    void unusualFiltersAreShownRaw() {
        String or = "(|(osgi.wiring.package=a)(osgi.wiring.package=b))";
        assertTrue(UnmetRequirement.parse(PACKAGE, or).isEmpty());
        assertEquals("needs osgi.wiring.package " + or, UnmetRequirement.describe(PACKAGE, or, List.of()));
        assertTrue(UnmetRequirement.parse(PACKAGE, "(osgi.wiring.package=io.ferry.*)").isEmpty());
        assertTrue(UnmetRequirement.parse(PACKAGE, "(&(osgi.wiring.package=p)(version>=x.y))").isEmpty());
        assertTrue(UnmetRequirement.parse(PACKAGE, "(&(osgi.wiring.package=p)(version>=1.0)").isEmpty());
        assertTrue(UnmetRequirement.parse(PACKAGE, "").isEmpty());
        assertTrue(UnmetRequirement.parse("osgi.ee", "(&(osgi.ee=JavaSE)(version~=17))").isEmpty());
    }
}
