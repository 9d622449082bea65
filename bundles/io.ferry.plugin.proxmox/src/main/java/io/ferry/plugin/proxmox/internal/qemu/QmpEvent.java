package io.ferry.plugin.proxmox.internal.qemu;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An asynchronous QMP event such as {@code BLOCK_JOB_CANCELLED}, {@code BLOCK_EXPORT_DELETED}
 * or {@code JOB_STATUS_CHANGE}.
 *
 * @param name      the event name
 * @param data      the event's {@code data} object (empty when it has none)
 * @param timestamp when QEMU emitted it
 */
public record QmpEvent(String name, Map<String, Object> data, Instant timestamp) {

    public QmpEvent {
        Objects.requireNonNull(name, "name");
        data = Map.copyOf(Objects.requireNonNull(data, "data").entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** A string field of {@link #data()}, e.g. the {@code device} of a block job event. */
    public Optional<String> text(String field) {
        return data.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** True for this event name with {@code field} equal to {@code value}. */
    public boolean is(String eventName, String field, String value) {
        return name.equals(eventName) && text(field).filter(value::equals).isPresent();
    }
}
