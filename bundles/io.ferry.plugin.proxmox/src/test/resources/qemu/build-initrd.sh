#!/bin/sh
# Builds the test guest of the QEMU tests: an initramfs (uncompressed newc cpio) with busybox-static,
# qemu-ga with its shared libraries, and the virtio / ext4 modules of the installed Debian kernel.
# /init mounts the data disk /dev/vda at /data and starts qemu-ga on the virtio port
# org.qemu.guest_agent.0, with an fsfreeze hook that sleeps on freeze while /run/slow-freeze exists.
# Nothing on the host is mounted, frozen or changed outside OUTDIR.
#
# usage: build-initrd.sh OUTDIR [KERNEL-VERSION]
# writes OUTDIR/initrd.cpio and OUTDIR/vmlinuz (a symlink to /boot/vmlinuz-KERNEL-VERSION)
# needs (Debian): busybox-static qemu-guest-agent linux-image-amd64 kmod cpio
set -eu

out=${1:?usage: build-initrd.sh OUTDIR [KERNEL-VERSION]}
kver=${2:-}
if [ -z "$kver" ]; then
    # the newest installed kernel that has both an image and modules
    for image in $(ls -1v /boot/vmlinuz-* 2>/dev/null); do
        candidate=${image#/boot/vmlinuz-}
        [ -d "/lib/modules/$candidate" ] && kver=$candidate
    done
fi
[ -n "$kver" ] || { echo "no kernel with modules under /boot and /lib/modules (apt-get install linux-image-amd64)" >&2; exit 2; }
[ -r "/boot/vmlinuz-$kver" ] || { echo "/boot/vmlinuz-$kver is not readable by $(id -un)" >&2; exit 2; }
for tool in /bin/busybox /usr/sbin/qemu-ga; do
    [ -x "$tool" ] || { echo "$tool is missing (apt-get install busybox-static qemu-guest-agent)" >&2; exit 2; }
done
busybox --list | grep -qx insmod || { echo "busybox has no insmod: install busybox-static" >&2; exit 2; }

mkdir -p "$out"
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" \
         "$root/data" "$root/modules" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
cp /usr/sbin/qemu-ga "$root/usr/sbin/qemu-ga"

# qemu-ga's shared libraries at the paths the dynamic loader looks for them
for lib in $(ldd /usr/sbin/qemu-ga | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done

# modules in dependency order; Debian 12 ships them uncompressed, later releases as .ko.xz / .ko.zst
modprobe -a -S "$kver" --show-depends virtio_pci virtio_blk virtio_console ext4 | awk '$1 == "insmod" { print $2 }' |
    awk '!seen[$0]++' > "$root/modules/order.src"
: > "$root/modules/order"
while read -r ko; do
    name=$(basename "$ko"); name=${name%.xz}; name=${name%.zst}
    case "$ko" in
        *.xz) xz -dc "$ko" > "$root/modules/$name" ;;
        *.zst) zstd -qdc "$ko" > "$root/modules/$name" ;;
        *) cp "$ko" "$root/modules/$name" ;;
    esac
    echo "$name" >> "$root/modules/order"
done < "$root/modules/order.src"
rm "$root/modules/order.src"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# crc32c-intel fails under TCG (no SSE4.2); crc32c_generic takes over
while read -r ko; do insmod "/modules/$ko" 2>/dev/null || echo "insmod $ko failed"; done < /modules/order
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 /dev/vda /data && echo "DATA MOUNTED"
mkdir -p /dev/virtio-ports
for port in /sys/class/virtio-ports/*; do
    [ -e "$port/name" ] || continue
    ln -sf "/dev/$(basename "$port")" "/dev/virtio-ports/$(cat "$port/name")"
done
qemu-ga -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 -t /run -F/etc/qemu/fsfreeze-hook &
echo "GUEST READY"
while true; do sleep 3600; done
INIT
chmod 755 "$root/init"

# fsfreeze hook: a slow application flush on freeze when /run/slow-freeze holds seconds (tests of freeze timeouts)
mkdir -p "$root/etc/qemu"
cat > "$root/etc/qemu/fsfreeze-hook" <<'HOOK'
#!/bin/sh
if [ "$1" = freeze ] && [ -f /run/slow-freeze ]; then sleep "$(cat /run/slow-freeze)"; fi
exit 0
HOOK
chmod 755 "$root/etc/qemu/fsfreeze-hook"

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initrd.cpio"
ln -sf "/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$out/initrd.cpio $kver"
