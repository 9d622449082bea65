/**
 * Errors shared by every Ferry service. Each message names the object and says what to do.
 */
@Export
@Version("1.0.0")
package io.ferry.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
