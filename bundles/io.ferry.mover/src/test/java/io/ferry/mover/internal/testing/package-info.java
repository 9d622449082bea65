/**
 * Real-component fixtures for the data mover tests (no mocks): reuse them in end-to-end
 * tests.
 *
 * <ul>
 * <li>{@link io.ferry.mover.internal.testing.Images}: the standard 40 MiB + 12800 byte raw
 *     image (random, text, written zeros, a duplicate 4 MiB chunk, holes; see
 *     {@code LAYOUT}), conversions to qcow2 / vmdk / vhdx that keep the exact size and
 *     sha256, qcow2 with a persistent dirty bitmap that recorded known writes (plus the
 *     matching raw image and the expected changed ranges), {@code sha256},
 *     {@code allocatedBytes}.</li>
 * <li>{@link io.ferry.mover.internal.testing.NbdServer}: qemu-nbd or nbdkit as a child
 *     process on a unix socket or 127.0.0.1, read-only or writable, with a bitmap, with
 *     TLS; {@code uri()}, {@code kill()}, {@code close()}.</li>
 * <li>{@link io.ferry.mover.internal.testing.TlsCerts}: a CA, server and client
 *     certificates in the file layout qemu-nbd, nbdkit and libnbd share.</li>
 * <li>{@link io.ferry.mover.internal.testing.DiskDigest}: the sha256 of a
 *     {@code DiskSource} as a backup sees it (DATA read, holes/zeros as zeros).</li>
 * <li>{@link io.ferry.mover.internal.testing.Tools}: runs qemu-img &amp; co; a missing
 *     program fails the test naming its Debian package.</li>
 * </ul>
 *
 * <p>Facts measured with these on QEMU 7.2 / nbdkit 1.32 / libnbd 1.14: qemu formats keep
 * sizes that are multiples of 512 exactly (others are rounded up); {@code qemu-img convert}
 * leaves written zeros unallocated (HOLE over NBD); qemu's vhdx driver reports no
 * allocation (one DATA extent); qemu-nbd over TCP+TLS answers each request ~40 ms late
 * (keep such tests to a few requests; unix sockets and nbdkit are fast).
 */
package io.ferry.mover.internal.testing;
