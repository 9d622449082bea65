package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.TURKISH;
import static io.ferry.api.inventory.Refusals.assertMentions;
import static io.ferry.api.inventory.Refusals.refused;
import static io.ferry.api.inventory.Refusals.withDefaultLocale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerSpecTest {

    private static ServerSpec.Builder px01() {
        return ServerSpec.builder("px-01", "10.0.1.21");
    }

    @Test
    void builderDefaultsToAnEnabledLinuxVmWithFourTaskSlots() {
        ServerSpec spec = px01().build();

        assertEquals("px-01", spec.name());
        assertEquals("10.0.1.21", spec.address());
        assertEquals(OsInfo.linux("", ""), spec.os());
        assertEquals(MachineKind.VIRTUAL, spec.machineKind());
        assertEquals(List.of(), spec.networks());
        assertEquals(Optional.empty(), spec.site());
        assertEquals(Optional.empty(), spec.domain());
        assertEquals(Set.of(), spec.trustedDomains());
        assertEquals(Map.of(), spec.facts());
        assertEquals(Set.of(), spec.installedPackages());
        assertEquals(ServerSpec.DEFAULT_TASK_SLOTS, spec.maxConcurrentTasks());
        assertEquals(4, spec.maxConcurrentTasks());
        assertTrue(spec.enabled());
    }

    @Test
    void toBuilderReproducesTheSameSpec() {
        ServerSpec spec = px01().os(OsInfo.parse("windows:server:2022")).machineKind(MachineKind.PHYSICAL)
                .networks(List.of(Cidr.of("10.0.1.0/24"))).site("hq").domain("corp.example")
                .trustedDomains(List.of("emea.corp.example")).fact(ServerFacts.POWERSHELL_VERSION, "5.1")
                .installedPackages(List.of("samba-client")).maxConcurrentTasks(8).enabled(false).build();

        assertEquals(spec, spec.toBuilder().build());
    }

    // --- name

    @ParameterizedTest
    @ValueSource(strings = {"px-01", "PX_01", "px.01", "7px", "a"})
    void validNamesAreAccepted(String name) {
        assertEquals(name, ServerSpec.builder(name, "10.0.1.21").build().name());
    }

    @Test
    void nameIsStrippedOfSurroundingBlanks() {
        assertEquals("px-01", ServerSpec.builder("  px-01 ", "10.0.1.21").build().name());
    }

    @Test
    void nameOf63CharactersIsTheLongestAccepted() {
        String longest = "p".repeat(63);

        assertEquals(longest, ServerSpec.builder(longest, "10.0.1.21").build().name());
        refused("name", () -> ServerSpec.builder(longest + "x", "10.0.1.21").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-px", ".px", "px 01", "px/01", "px:01", "prüf-01"})
    void invalidNameIsRefusedNamingTheValueAndTheRule(String name) {
        ValidationException e = refused("name", () -> ServerSpec.builder(name, "10.0.1.21").build());

        assertEquals("name: '" + name + "' is not a valid name: use 1-63 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit", e.getMessage());
    }

    @Test
    void missingNameIsRequired() {
        assertEquals("name: is required", refused("name", () -> ServerSpec.builder(null, "10.0.1.21").build())
                .getMessage());
        refused("name", () -> ServerSpec.builder(" ", "10.0.1.21").build());
    }

    @Test
    void nameWithControlCharactersIsRefused() {
        ValidationException e = refused("name", () -> ServerSpec.builder("px\u000101", "10.0.1.21").build());

        assertEquals("name: must not contain control characters", e.getMessage());
    }

    // --- address

    @ParameterizedTest
    @ValueSource(strings = {"10.0.1.21", "2001:db8::21", "::1", "px-01", "px-01.corp.example", "PX-01.Corp.Example",
            "px-01.corp.example.", "1e100.net"})
    void addressMayBeAnIpLiteralOrAHostNameAndIsKeptAsWritten(String address) {
        assertEquals(address, ServerSpec.builder("px-01", address).build().address());
    }

    @ParameterizedTest
    @ValueSource(strings = {"px 01", "px_01.corp", "-px.corp", "px-.corp", "10.0.1.256", "10.0.1", "2001:db8::g",
            "2001:db8:::1", "[2001:db8::1]", "fe80::1%eth0", "http://px-01", "px-01:22", "px..corp"})
    void addressThatIsNeitherIpNorHostNameIsRefusedNamingTheValue(String address) {
        ValidationException e = refused("address", () -> ServerSpec.builder("px-01", address).build());

        assertEquals("address: '" + address + "' is neither an IP address nor a valid host name", e.getMessage());
    }

    @Test
    void hostNameLabelsAreAtMost63Characters() {
        String label63 = "a".repeat(63);

        ServerSpec.builder("px-01", label63 + ".corp").build();
        refused("address", () -> ServerSpec.builder("px-01", label63 + "a.corp").build());
    }

    @Test
    void hostNameIsAtMost253Characters() {
        String name253 = ("a".repeat(62) + ".").repeat(4) + "a".repeat(1);

        assertEquals(253, name253.length());
        ServerSpec.builder("px-01", name253).build();
        refused("address", () -> ServerSpec.builder("px-01", name253 + "a").build());
    }

    @Test
    void missingAddressIsRequired() {
        assertEquals("address: is required", refused("address", () -> ServerSpec.builder("px-01", "").build())
                .getMessage());
    }

    // --- networks

    @Test
    void networksAreSortedAndDuplicatesCollapse() {
        ServerSpec spec = px01().networks(List.of(Cidr.of("192.168.10.0/24"), Cidr.of("10.0.1.0/24"),
                Cidr.of("2001:db8::/32"), Cidr.of("10.0.1.0/24"))).build();

        assertEquals(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("192.168.10.0/24"), Cidr.of("2001:db8::/32")),
                spec.networks());
    }

    @Test
    void networksCannotBeChangedAfterwards() {
        ServerSpec spec = px01().networks(List.of(Cidr.of("10.0.1.0/24"))).build();

        assertThrows(UnsupportedOperationException.class, () -> spec.networks().add(Cidr.of("10.0.2.0/24")));
    }

    // --- site and domains

    @Test
    void blankSiteMeansNoSite() {
        assertEquals(Optional.empty(), px01().site("  ").build().site());
        assertEquals(Optional.of("hq"), px01().site(" hq ").build().site());
    }

    @Test
    void domainIsStoredLowerCase() {
        assertEquals(Optional.of("corp.example"), px01().domain("CORP.Example").build().domain());
    }

    @Test
    void blankDomainMeansNoDomain() {
        assertEquals(Optional.empty(), px01().domain("").build().domain());
    }

    @Test
    void domainWithSpacesIsRefusedNamingTheValue() {
        ValidationException e = refused("domain", () -> px01().domain("corp example").build());

        assertMentions(e, "'corp example' is not a valid key");
    }

    @Test
    void domainIsLowerCasedTheSameWayInEveryLocale() {
        withDefaultLocale(TURKISH, () ->
                assertEquals(Optional.of("fin.corp.internal"), px01().domain("FIN.CORP.INTERNAL").build().domain()));
    }

    @Test
    void trustedDomainsAreLowerCasedSortedAndDeduplicated() {
        ServerSpec spec = px01().domain("corp.example")
                .trustedDomains(List.of("EMEA.corp.example", "apac.corp.example", "emea.CORP.example")).build();

        assertEquals(List.of("apac.corp.example", "emea.corp.example"), List.copyOf(spec.trustedDomains()));
    }

    @Test
    void trustedDomainsAreLowerCasedTheSameWayInEveryLocale() {
        withDefaultLocale(TURKISH, () -> assertEquals(Set.of("fin.corp.internal"),
                px01().trustedDomains(List.of("FIN.CORP.INTERNAL")).build().trustedDomains()));
    }

    @Test
    void invalidTrustedDomainIsRefusedWithItsIndex() {
        ValidationException e = refused("trustedDomains[1]",
                () -> px01().trustedDomains(List.of("a.corp", "b corp")).build());

        assertMentions(e, "'b corp'");
    }

    // --- facts and packages

    @Test
    void factsAreSortedByKeyAndReadable() {
        ServerSpec spec = px01().fact(ServerFacts.POWERSHELL_VERSION, "5.1").fact(ServerFacts.DEDUP_ENABLED, "TRUE")
                .fact(ServerFacts.CLUSTER, "hv-cl1").build();

        assertEquals(List.of("cluster", "dedup.enabled", "powershell.version"), List.copyOf(spec.facts().keySet()));
        assertEquals(Optional.of("5.1"), spec.fact(ServerFacts.POWERSHELL_VERSION));
        assertEquals(Optional.empty(), spec.fact(ServerFacts.HYPERV_VERSION));
    }

    @Test
    void factIsTrueOnlyForTheWordTrueInAnyCase() {
        ServerSpec spec = px01().fact("dedup.enabled", "TRUE").fact("hyperv.nested", "yes")
                .fact("vss.transportable", "false").build();

        assertTrue(spec.factIsTrue(ServerFacts.DEDUP_ENABLED));
        assertFalse(spec.factIsTrue(ServerFacts.NESTED_HYPERV));
        assertFalse(spec.factIsTrue(ServerFacts.VSS_TRANSPORTABLE));
        assertFalse(spec.factIsTrue(ServerFacts.CLUSTER));
    }

    @Test
    void factValueIsStripped() {
        assertEquals(Optional.of("5.1"), px01().fact("powershell.version", " 5.1 ").build().fact("powershell.version"));
    }

    @Test
    void factKeyMustBeLowerCase() {
        ValidationException e = refused("facts", () -> px01().fact("PowerShell.Version", "5.1").build());

        assertEquals("facts: 'PowerShell.Version' is not a valid key: use lower-case letters, digits, '.', '_' or '-'",
                e.getMessage());
    }

    @Test
    void factWithoutValueIsRefusedNamingTheKey() {
        assertEquals("facts.hyperv.version: is required",
                refused("facts.hyperv.version", () -> px01().fact("hyperv.version", " ").build()).getMessage());
    }

    @Test
    void installedPackagesAreSortedAndKeepTheirCase() {
        ServerSpec spec = px01().installedPackages(List.of("samba-common-tools", "libmsi1", "NetworkManager")).build();

        assertEquals(List.of("NetworkManager", "libmsi1", "samba-common-tools"), List.copyOf(spec.installedPackages()));
    }

    @Test
    void blankInstalledPackageIsRefusedWithItsIndex() {
        refused("installedPackages[0]", () -> px01().installedPackages(List.of(" ", "libmsi1")).build());
    }

    // --- task slots

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 256})
    void taskSlotsFrom1To256AreAccepted(int slots) {
        assertEquals(slots, px01().maxConcurrentTasks(slots).build().maxConcurrentTasks());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 257, 10_000})
    void taskSlotsOutside1To256AreRefusedNamingTheValue(int slots) {
        ValidationException e = refused("maxConcurrentTasks", () -> px01().maxConcurrentTasks(slots).build());

        assertEquals("maxConcurrentTasks: must be between 1 and 256, got " + slots, e.getMessage());
    }

    // --- required parts

    @Test
    void osAndMachineKindAreRequired() {
        assertEquals("os: is required", refused("os", () -> px01().os(null).build()).getMessage());
        assertEquals("machineKind: is required",
                refused("machineKind", () -> px01().machineKind(null).build()).getMessage());
    }
}
