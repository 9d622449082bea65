package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.OsInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void keyValueSplitsAtTheFirstEquals() {
        assertEquals(Map.entry("san.access", "Volume1,Volume2"), Arguments.keyValue("san.access=Volume1,Volume2", "--fact"));
        assertEquals(Map.entry("note", "a=b"), Arguments.keyValue(" note = a=b ", "--fact"));
    }

    @Test
    void keyValueNamesWhatIsMissing() {
        assertEquals("--fact: 'powershell.version' is not key=value, e.g. powershell.version=5.1",
                assertThrows(ValidationException.class, () -> Arguments.keyValue("powershell.version", "--fact")).getMessage());
        assertEquals("--fact: '=5.1' has no key before '='",
                assertThrows(ValidationException.class, () -> Arguments.keyValue("=5.1", "--fact")).getMessage());
        assertEquals("--fact: 'cluster=' has no value after '='",
                assertThrows(ValidationException.class, () -> Arguments.keyValue("cluster=", "--fact")).getMessage());
    }

    @Test
    void networksAreParsedAndErrorsNameTheOption() {
        assertEquals(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("2001:db8::/32")),
                Arguments.networks(List.of("10.0.1.0/24", "2001:db8::/32"), "--network"));
        assertEquals(List.of(), Arguments.networks(null, "--network"));
        assertEquals("--add-network: '10.0.1.5/24' has host bits set; did you mean '10.0.1.0/24'?",
                assertThrows(ValidationException.class,
                        () -> Arguments.networks(List.of("10.0.1.5/24"), "--add-network")).getMessage());
    }

    @Test
    void osErrorsNameTheOption() {
        assertEquals(OsInfo.linux("rocky", "9.3"), Arguments.os("linux:rocky:9.3", "--os"));
        assertEquals("--os", assertThrows(ValidationException.class, () -> Arguments.os("beos", "--os")).field());
    }

    @Test
    void nonBlankDropsEmptyValuesSoThatAnEmptyValueClearsAList() {
        assertEquals(List.of("corp.example"), Arguments.nonBlank(Arrays.asList("", " corp.example ", null)));
        assertEquals(List.of(), Arguments.nonBlank(List.of("")));
        assertEquals(List.of(), Arguments.nonBlank(null));
    }

    @Test
    void notBothRefusesOppositeFlags() {
        Arguments.notBoth(true, "--enable", false, "--disable");
        assertEquals("use either --enable or --disable, not both", assertThrows(ValidationException.class,
                () -> Arguments.notBoth(true, "--enable", true, "--disable")).getMessage());
    }
}
