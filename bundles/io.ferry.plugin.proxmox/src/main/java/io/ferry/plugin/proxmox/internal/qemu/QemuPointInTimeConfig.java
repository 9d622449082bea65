package io.ferry.plugin.proxmox.internal.qemu;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.ferry.plugin.proxmox.qemu} ({@code etc/io.ferry.plugin.proxmox.qemu.cfg}). */
@ObjectClassDefinition(name = "Ferry point-in-time views of QEMU VMs",
        description = "Guest freeze/thaw over the QEMU guest agent and fleecing views of running QEMU / Proxmox VE VMs")
@interface QemuPointInTimeConfig {

    @AttributeDefinition(name = "Scratch directory", description = "Copy-before-write scratch images and the NBD"
            + " sockets of open views go here (one short sub-directory per VM); it needs room for every block the"
            + " guests overwrite while their backups run. The freeze journal (journal/, which guests Ferry may have"
            + " frozen; read at start to thaw them after a crash) is kept here too, so use a persistent directory."
            + " Empty: ${karaf.data}/ferry/fleecing. Keep the path short: a unix socket path holds at most 107 bytes.")
    String scratch_dir() default "";

    @AttributeDefinition(name = "QMP timeout (seconds)", description = "For each QMP command, each awaited QEMU event"
            + " and the guest agent's freeze and thaw")
    int qmp_timeout_seconds() default 30;

    @AttributeDefinition(name = "Agent ping timeout (milliseconds)", description = "How long the guest agent may take"
            + " to answer before the backup goes on crash-consistent, with a warning")
    int agent_ping_timeout_millis() default 5000;
}
