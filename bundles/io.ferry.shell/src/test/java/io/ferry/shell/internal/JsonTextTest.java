package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void laysOutLikeTheExportFile() {
        String json = new JsonText().beginObject()
                .field("name", "px-01")
                .field("version", 7)
                .field("enabled", true)
                .name("networks").beginArray().value("10.0.1.0/24").value("10.0.2.0/24").endArray()
                .name("facts").beginObject().endObject()
                .name("roles").beginArray().endArray()
                .name("role").beginObject().field("type", "REPOSITORY").endObject()
                .endObject().text();
        assertEquals("""
                {
                  "name" : "px-01",
                  "version" : 7,
                  "enabled" : true,
                  "networks" : [
                    "10.0.1.0/24",
                    "10.0.2.0/24"
                  ],
                  "facts" : { },
                  "roles" : [ ],
                  "role" : {
                    "type" : "REPOSITORY"
                  }
                }
                """, json);
    }

    @Test
    void anEmptyTopLevelArrayIsOneLine() {
        assertEquals("[ ]\n", new JsonText().beginArray().endArray().text());
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"CORP\\\\svc \\\"backup\\\"\\n\\t\\r\\b\\f\\u0001\\u001F é/\"",
                JsonText.quote("CORP\\svc \"backup\"\n\t\r\b\f\u0001\u001f é/"));
        assertEquals("{\n  \"a\\\"b\" : \"\"\n}\n", new JsonText().beginObject().field("a\"b", "").endObject().text());
    }

    @Test
    void misuseIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> new JsonText().beginArray().text());
        assertThrows(IllegalStateException.class, () -> new JsonText().endObject());
        assertThrows(IllegalStateException.class, () -> new JsonText().value("a").value("b"));
    }

    @Test
    void decimalsAreRoundedAndNonFiniteValuesAreNull() {
        String json = new JsonText().beginObject().field("ratio", 1.70949, 3).field("whole", 2.0, 3)
                .field("inf", Double.POSITIVE_INFINITY, 3).endObject().text();
        org.junit.jupiter.api.Assertions.assertEquals("""
                {
                  "ratio" : 1.709,
                  "whole" : 2,
                  "inf" : null
                }
                """, json);
    }
}
