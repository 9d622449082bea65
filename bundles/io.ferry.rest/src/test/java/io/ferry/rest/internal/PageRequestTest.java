package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    private static ApiRequest query(Map<String, String> values) {
        Map<String, List<String>> query = new java.util.HashMap<>();
        values.forEach((k, v) -> query.put(k, List.of(v)));
        return new ApiRequest("GET", "/vms", Map.of(), query);
    }

    @Test
    void withoutParametersAPageStartsAtZeroWithAHundredItems() {
        PageRequest page = PageRequest.of(query(Map.of()));
        assertEquals(new PageRequest(0, 100), page);
    }

    @Test
    void aLimitAboveAThousandOrBelowOneIsAValidationErrorNamingTheParameter() {
        ValidationException tooMany = assertThrows(ValidationException.class,
                () -> PageRequest.of(query(Map.of("limit", "1001"))));
        assertEquals("limit", tooMany.field());
        assertEquals("limit: must be between 1 and 1000, not 1001", tooMany.getMessage());
        assertEquals("limit", assertThrows(ValidationException.class,
                () -> PageRequest.of(query(Map.of("limit", "0")))).field());
        assertEquals("offset", assertThrows(ValidationException.class,
                () -> PageRequest.of(query(Map.of("offset", "-1")))).field());
    }

    @Test
    void aParameterThatIsNoNumberIsRefusedNamingIt() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> PageRequest.of(query(Map.of("offset", "ten"))));
        assertEquals("offset", e.field());
        assertEquals("offset: 'ten' is not a whole number", e.getMessage());
    }

    @Test
    void theExtraItemFetchedMeansThereIsANextPageWithTheFiltersKept() {
        List<Integer> fetched = IntStream.range(0, 11).boxed().toList();
        Page<Integer> page = new PageRequest(20, 10).page(fetched, "/api/v1/vms", "host=esx-01&");
        assertEquals(10, page.items().size());
        assertEquals("/api/v1/vms?host=esx-01&offset=30&limit=10", page.next());
    }

    @Test
    void theLastPageHasNoNextLink() {
        Page<Integer> page = new PageRequest(0, 10).page(List.of(1, 2, 3), "/api/v1/jobs", "");
        assertEquals(List.of(1, 2, 3), page.items());
        assertNull(page.next());
    }
}
