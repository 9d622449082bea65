package io.ferry.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.WhatIf;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Jackson configuration of the API records, in one place: the REST API answers with it and
 * the shell's {@code --json} prints with it.
 *
 * <p>The selection's answers (plans, decisions, candidates, verdicts, readiness, what-if) are
 * the records as they are: members named like the record components, an empty Optional left
 * out, enum values by name. What differs from the plain records is said here, once: seeds and
 * fixes are left out when empty, a readiness report says whether it is {@code ready}, sets of
 * names (unserved platforms, failed transport modes) are sorted and maps ordered by key. The
 * other records are shaped by {@link Views}.
 */
public final class FerryJson {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());
    /** The layout of {@code --json}: the inventory export file's (two-space indent, one element per line). */
    private static final ObjectWriter TEXT = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));

    private FerryJson() {
    }

    /** A mapper configured for the API records (shared: do not reconfigure it; {@link #configure} a copy instead). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A copy of {@code base} (its indentation, its features) configured for the API records. */
    public static ObjectMapper configure(ObjectMapper base) {
        return base.copy().registerModule(new Jdk8Module())
                .setSerializationInclusion(JsonInclude.Include.NON_ABSENT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .addMixIn(RuleVerdict.class, RuleVerdictMixin.class)
                .addMixIn(CheckResult.class, CheckResultMixin.class)
                .addMixIn(ReadinessReport.class, ReadinessReportMixin.class)
                .addMixIn(Plan.class, PlanMixin.class)
                .addMixIn(Scenario.class, ScenarioMixin.class)
                .addMixIn(WhatIf.class, WhatIfMixin.class);
    }

    /**
     * {@code value} (a record or a JSON tree of {@link Views}) as the shell's {@code --json}
     * prints it: laid out like the inventory export file, ending with a line break.
     */
    public static String text(Object value) {
        try {
            return TEXT.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    abstract static class RuleVerdictMixin {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String seed();
    }

    @JsonPropertyOrder({"check", "ok", "severity", "detail", "fix", "seed"})
    abstract static class CheckResultMixin {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String fix();

        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String seed();
    }

    @JsonPropertyOrder({"server", "role", "ready", "results"})
    abstract static class ReadinessReportMixin {
        @JsonProperty("ready")
        abstract boolean ready();
    }

    abstract static class PlanMixin {
        @JsonSerialize(using = SortedNames.class)
        abstract Set<?> unservedPlatforms();
    }

    abstract static class ScenarioMixin {
        @JsonSerialize(using = SortedNames.class)
        abstract Set<String> failedTransportModes();
    }

    /** The scenario and its changes first, then the plans before and after. */
    @JsonPropertyOrder({"scenario", "changes", "before", "after"})
    abstract static class WhatIfMixin {
    }

    /** A collection of enum values or strings as a JSON array of names, sorted. */
    static final class SortedNames extends JsonSerializer<Collection<?>> {
        @Override
        public void serialize(Collection<?> values, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeStartArray();
            for (String name : new TreeSet<>(values.stream().map(v -> v instanceof Enum<?> e ? e.name()
                    : String.valueOf(v)).toList())) {
                out.writeString(name);
            }
            out.writeEndArray();
        }
    }
}
