package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmQueryTest {

    @Test
    void allMatchesEveryVmWithoutPaging() {
        assertEquals(new VmQuery(Optional.empty(), Optional.empty(), 0, Integer.MAX_VALUE), VmQuery.all());
    }

    @Test
    void filtersAndPageCombine() {
        VmQuery query = VmQuery.all().onHost("esx-01").nameContains("app").page(50, 25);

        assertEquals(new VmQuery(Optional.of("esx-01"), Optional.of("app"), 50, 25), query);
    }

    @Test
    void emptyPageIsAllowed() {
        assertEquals(0, VmQuery.all().page(0, 0).limit());
    }

    @Test
    void negativeOffsetIsRefused() {
        assertEquals("offset: must not be negative", refused("offset", () -> VmQuery.all().page(-1, 10)).getMessage());
    }

    @Test
    void negativeLimitIsRefused() {
        assertEquals("limit: must not be negative", refused("limit", () -> VmQuery.all().page(0, -1)).getMessage());
    }
}
