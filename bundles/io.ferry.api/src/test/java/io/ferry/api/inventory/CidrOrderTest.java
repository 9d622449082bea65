package io.ferry.api.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CidrOrderTest {
    @Test
    void networksSortNumericallyWithIpv4BeforeIpv6() {
        TreeSet<Cidr> sorted = new TreeSet<>(List.of(Cidr.of("2001:db8::/32"), Cidr.of("10.0.10.0/24"),
                Cidr.of("9.0.0.0/8"), Cidr.of("10.0.2.0/24"), Cidr.of("10.0.0.0/16"), Cidr.of("10.0.0.0/8")));
        assertEquals(List.of("9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.0.2.0/24", "10.0.10.0/24", "2001:db8::/32"),
                sorted.stream().map(Cidr::value).toList());
    }
}
