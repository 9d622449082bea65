/**
 * The plugin SPI. A plugin bundle registers any of these interfaces as OSGi services
 * (Declarative Services {@code @Component}); the selection service and the job service
 * track them dynamically, so installing or removing a plugin needs no restart.
 *
 * <p>All interfaces here are {@code @ConsumerType}: plugins implement them and import this
 * package with the range {@code [1.0,2)}, so a plugin built against 1.x keeps working on
 * any 1.y. Everything a plugin receives is an immutable record; a rule must be a pure
 * function of its arguments.
 */
@Export
@Version("1.1.0")
package io.ferry.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
