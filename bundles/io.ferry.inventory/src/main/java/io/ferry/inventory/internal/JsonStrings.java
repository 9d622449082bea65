package io.ferry.inventory.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ferry.api.FerryException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of strings in one text column, as a JSON array: every string comes back exactly
 * (line breaks, quotes, commas, empty strings, and characters such as NUL that PostgreSQL
 * text cannot hold, which JSON escapes).
 */
final class JsonStrings {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private JsonStrings() {
    }

    static String encode(List<String> values) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The strings of {@code json}; {@code what} names the column for the error of a damaged value. */
    static List<String> decode(String json, String what) {
        List<String> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw damaged(what, json);
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_STRING) {
                    throw damaged(what, json);
                }
                out.add(p.getText());
            }
        } catch (IOException e) {
            throw damaged(what, json);
        }
        return out;
    }

    private static FerryException damaged(String what, String json) {
        return new FerryException("The inventory database holds a damaged " + what + " (not a JSON array of"
                + " strings): " + (json.length() > 80 ? json.substring(0, 80) + "..." : json)
                + ". Was it edited by hand? Write it as [\"...\", ...] or [].");
    }
}
