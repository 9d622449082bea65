package io.ferry.inventory.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.ProtocolVersion;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent's capabilities in the {@code agents.capabilities} column, as a JSON object. What an
 * agent reports is bounded before it is stored (a misbehaving agent cannot fill the catalog):
 * texts of at most 255 characters, at most 32 platforms, and at most {@link #MAX_LENGTH}
 * characters in all. Unknown fields are skipped when read, so a newer agent's additions do not
 * break an older manager.
 */
final class AgentCapabilitiesJson {
    static final int MAX_LENGTH = 8000;
    private static final int MAX_TEXT = 255;
    private static final int MAX_PLATFORMS = 32;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private AgentCapabilitiesJson() {
    }

    static String encode(AgentCapabilities caps) {
        if (caps.platforms().size() > MAX_PLATFORMS) {
            throw new ValidationException("capabilities.platforms", caps.platforms().size() + " platforms reported;"
                    + " at most " + MAX_PLATFORMS + " are stored");
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ferryVersion", text("ferryVersion", caps.ferryVersion()));
            g.writeStringField("protocol", caps.protocol().toString());
            g.writeStringField("os", text("os", caps.os()));
            g.writeStringField("libnbd", text("libnbdVersion", caps.libnbdVersion()));
            g.writeStringField("qemu", text("qemuVersion", caps.qemuVersion()));
            g.writeArrayFieldStart("platforms");
            for (String p : caps.platforms()) {
                g.writeString(text("platforms", p));
            }
            g.writeEndArray();
            g.writeNumberField("scratchFreeBytes", caps.scratchFreeBytes());
            g.writeNumberField("taskSlots", caps.taskSlots());
            if (caps.servesRepositories()) {
                g.writeStringField("storeAddress", text("storeAddress", caps.storeAddress()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        String json = out.toString();
        if (json.length() > MAX_LENGTH) {
            throw new ValidationException("capabilities", "are " + json.length() + " characters as JSON; at most "
                    + MAX_LENGTH + " are stored");
        }
        return json;
    }

    private static String text(String field, String value) {
        return Bounded.freeText(Bounded.text("capabilities." + field, value, MAX_TEXT));
    }

    static AgentCapabilities decode(String json, String server) {
        String ferryVersion = "";
        String protocol = "";
        String os = "";
        String libnbd = "";
        String qemu = "";
        List<String> platforms = new ArrayList<>();
        long scratch = 0;
        int slots = 0;
        String store = "";
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw damaged(server, json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "ferryVersion" -> ferryVersion = p.getText();
                    case "protocol" -> protocol = p.getText();
                    case "os" -> os = p.getText();
                    case "libnbd" -> libnbd = p.getText();
                    case "qemu" -> qemu = p.getText();
                    case "scratchFreeBytes" -> scratch = p.getLongValue();
                    case "taskSlots" -> slots = p.getIntValue();
                    case "storeAddress" -> store = p.getText();
                    case "platforms" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw damaged(server, json);
                        }
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            platforms.add(p.getText());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return new AgentCapabilities(ferryVersion, ProtocolVersion.parse(protocol), os, libnbd, qemu, platforms,
                    scratch, slots, store);
        } catch (IOException | IllegalArgumentException e) {
            throw damaged(server, json);
        }
    }

    private static FerryException damaged(String server, String json) {
        return new FerryException("The catalog holds damaged capabilities of the agent of server '" + server + "': "
                + (json.length() > 80 ? json.substring(0, 80) + "..." : json) + ". Its next heartbeat replaces them.");
    }
}
