package io.ferry.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.Scenario;
import java.io.IOException;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The API records as they are, for the selection's answers (plans, decisions, candidates,
 * verdicts, readiness): members named like the record components, an empty Optional left
 * out, enum values by name, as ferry:select --json and ferry:check --json print them. What the
 * shell writes differently from the plain records is said here, once: seeds and fixes are left
 * out when empty, a readiness report says whether it is {@code ready}, and the unserved
 * platforms and a what-if's failed transport modes are sorted by name. RestIT compares both outputs.
 */
final class RecordJson {

    private RecordJson() {
    }

    static ObjectMapper mapper(ObjectMapper base) {
        return base.copy().registerModule(new Jdk8Module())
                .setSerializationInclusion(JsonInclude.Include.NON_ABSENT)
                .addMixIn(RuleVerdict.class, RuleVerdictMixin.class)
                .addMixIn(CheckResult.class, CheckResultMixin.class)
                .addMixIn(ReadinessReport.class, ReadinessReportMixin.class)
                .addMixIn(Plan.class, PlanMixin.class)
                .addMixIn(Scenario.class, ScenarioMixin.class);
    }

    abstract static class RuleVerdictMixin {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String seed();
    }

    abstract static class CheckResultMixin {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String fix();

        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract String seed();
    }

    abstract static class ReadinessReportMixin {
        @JsonProperty("ready")
        abstract boolean ready();
    }

    abstract static class PlanMixin {
        @JsonSerialize(using = SortedNames.class)
        abstract java.util.Set<?> unservedPlatforms();
    }

    abstract static class ScenarioMixin {
        @JsonSerialize(using = SortedNames.class)
        abstract java.util.Set<String> failedTransportModes();
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
