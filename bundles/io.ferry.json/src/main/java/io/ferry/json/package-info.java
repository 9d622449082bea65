/**
 * The one JSON mapping of Ferry's API records, used by the REST API ({@code io.ferry.rest},
 * {@code /api/v1}) and by the shell's {@code --json} ({@code io.ferry.shell}), so that a script
 * reads the same members whichever way it asks. Ferry-internal: {@code io.ferry.api} stays free
 * of Jackson and plugins never see this package.
 *
 * <p>{@link io.ferry.json.FerryJson} holds the configured Jackson {@code ObjectMapper} (the
 * selection records as they are: Jdk8Module, an empty Optional left out, the few mix-ins) and
 * the text layout of {@code --json}; {@link io.ferry.json.Views} turns the other records (jobs,
 * sessions with their tasks and live progress, agents, plugins, audit entries, API tokens,
 * repositories, backups, verify, prune and restore results) into JSON trees. The conventions:
 * enum values are the constants' names, sizes bytes, times ISO-8601 instants, durations
 * milliseconds, and a member whose value is unknown is left out.
 */
@Export
@Version("1.0.0")
package io.ferry.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
