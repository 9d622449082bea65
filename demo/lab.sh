#!/usr/bin/env bash
#
# The demo lab of `./ferry demo`: small real QEMU VMs (TCG) with a guest agent, and disk
# files of a VMware and a Hyper-V VM, all under one directory (default /var/tmp/ferry-demo).
#
#   demo/lab.sh start     create what is missing, start the VMs and exports, wait for the agents
#   demo/lab.sh status    what runs (exit 0 when everything answers, 3 otherwise)
#   demo/lab.sh stop      quit the VMs cleanly (persistent bitmaps reach the qcow2) and the exports
#   demo/lab.sh destroy   stop, then delete the lab directory
#   demo/lab.sh inventory print the path of the lab's inventory file
#   demo/lab.sh check     only check that the packages the lab needs are installed
#
# Nothing outside the lab directory is written, mounted or frozen: disk images are made with
# mkfs.ext4 -d and qemu-img, and only the guests' own file systems are ever frozen.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="$ROOT/demo"
LAB="${FERRY_DEMO_LAB:-/var/tmp/ferry-demo}"
[[ "$LAB" == /* ]] || LAB="$PWD/$LAB"
LAB="${LAB%/}"
BOOT_TIMEOUT="${FERRY_DEMO_BOOT_TIMEOUT:-240}"
VM_MEMORY="${FERRY_DEMO_VM_MEMORY:-192}"
DISK_MIB=64
TEMPLATE_LAB=/var/tmp/ferry-demo
GUEST_BUILDER="$ROOT/bundles/io.ferry.plugin.proxmox/src/test/resources/qemu/build-initrd.sh"

# The Proxmox VE VMs: name, image format of the data disk, block node (as Proxmox names it)
QEMU_VMS=(pve-web-01:qcow2 pve-db-01:vmdk pve-files-01:vhdx)
NODE=drive-scsi0

usage() {
    sed -n '3,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF

Environment:
  FERRY_DEMO_LAB           lab directory (default: /var/tmp/ferry-demo); unix socket
                           paths must stay under 108 bytes, so keep it short
  FERRY_DEMO_BOOT_TIMEOUT  seconds to wait for the guest agents (default: 240)
  FERRY_DEMO_VM_MEMORY     MiB of memory per VM (default: 192)
EOF
}

say() {
    echo "lab: $*"
}

die() {
    echo "lab: $*" >&2
    exit 1
}

# --- packages ---------------------------------------------------------------------

# Prints the newest kernel version that has an image under /boot and modules under /lib/modules.
kernel_version() {
    local image version found=""
    # shellcheck disable=SC2045 # version order (ls -v) matters, and these names hold no spaces
    for image in $(ls -1v /boot/vmlinuz-* 2>/dev/null); do
        version="${image#/boot/vmlinuz-}"
        [[ -d "/lib/modules/$version" && -r "$image" ]] && found="$version"
    done
    echo "$found"
}

check_packages() {
    local missing=()
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    { command -v qemu-img && command -v qemu-nbd; } >/dev/null || missing+=(qemu-utils)
    [[ -x /usr/sbin/qemu-ga ]] || missing+=(qemu-guest-agent)
    if ! [[ -x /bin/busybox ]] || ! /bin/busybox --list 2>/dev/null | grep -x insmod >/dev/null; then
        missing+=(busybox-static)
    fi
    [[ -n "$(kernel_version)" ]] || missing+=(linux-image-amd64)
    command -v modprobe >/dev/null || missing+=(kmod)
    command -v cpio >/dev/null || missing+=(cpio)
    command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
    command -v socat >/dev/null || missing+=(socat)
    if ((${#missing[@]} > 0)); then
        echo "lab: the demo lab needs these Debian/Ubuntu packages, which are missing: ${missing[*]}" >&2
        echo "lab: install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    [[ -r "$GUEST_BUILDER" ]] || die "$GUEST_BUILDER is missing; run demo/lab.sh from a Ferry checkout"
}

# --- building the lab -------------------------------------------------------------

# The guest: the initramfs of the Proxmox plugin's tests plus a second cpio archive whose
# /init (demo/guest/init) replaces the first one's and runs a small workload.
build_guest() {
    local dir="$LAB/guest"
    if [[ -s "$dir/initrd-demo.cpio" && "$dir/initrd-demo.cpio" -nt "$DEMO/guest/init" \
        && "$dir/initrd-demo.cpio" -nt "$GUEST_BUILDER" ]]; then
        return
    fi
    say "building the guest (busybox, qemu-ga, kernel $(kernel_version) modules) in $dir"
    mkdir -p "$dir"
    sh "$GUEST_BUILDER" "$dir" "$(kernel_version)" >/dev/null
    local overlay
    overlay="$(mktemp -d "$dir/overlay.XXXXXX")"
    install -m 755 "$DEMO/guest/init" "$overlay/init"
    (cd "$overlay" && echo init | cpio -o -H newc -R 0:0 --quiet) >"$dir/overlay.cpio"
    rm -rf "$overlay"
    cat "$dir/initrd.cpio" "$dir/overlay.cpio" >"$dir/initrd-demo.cpio.tmp"
    mv "$dir/initrd-demo.cpio.tmp" "$dir/initrd-demo.cpio"
}

# A 64 MiB ext4 file system holding the files of directory $2, written to the raw image $1.
# The same content on every disk lets the repository deduplicate across VMs.
make_filesystem() {
    local raw="$1" content="$2" label="$3"
    rm -f "$raw"
    truncate -s "${DISK_MIB}M" "$raw"
    mkfs.ext4 -q -F -L "$label" -E root_owner=0:0 -d "$content" "$raw"
}

# Content shared by every disk (an "installed system": text that compresses and data that
# does not), made once per lab.
common_content() {
    local dir="$LAB/.content/common"
    if [[ -f "$dir/.done" ]]; then
        echo "$dir"
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir/system" "$dir/app"
    seq 1 400000 >"$dir/system/numbers.txt"
    head -c $((4 * 1024 * 1024)) /dev/urandom >"$dir/system/packages.bin"
    cp /bin/busybox "$dir/system/busybox"
    echo "Ferry demo lab disk, made $(date -u +%FT%TZ)" >"$dir/README"
    touch "$dir/.done"
    echo "$dir"
}

# Content of one disk: the common files and a file of its own.
disk_content() {
    local name="$1" common dir
    common="$(common_content)"
    dir="$LAB/.content/$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$common/." "$dir/"
    rm -f "$dir/.done"
    head -c $((1024 * 1024)) /dev/urandom >"$dir/app/$name.bin"
    echo "$dir"
}

# The data disk of a QEMU VM, in its format, made once: it keeps its data and its
# persistent dirty bitmaps (qcow2) across lab restarts.
make_qemu_disk() {
    local name="$1" format="$2" dir="$LAB/$1"
    local image="$dir/scsi0.$format"
    [[ -f "$image" ]] && return
    say "creating $image (${DISK_MIB} MiB, ext4)"
    mkdir -p "$dir"
    make_filesystem "$dir/scsi0.raw" "$(disk_content "$name")" data
    qemu-img convert -f raw -O "$format" "$dir/scsi0.raw" "$image"
    rm -f "$dir/scsi0.raw"
}

# The VMware VM's disk: a monolithicFlat VMDK (descriptor + raw extent, as on a VMFS
# datastore); Ferry reads the -flat extent as it is.
make_vmware_disk() {
    local dir="$LAB/vmware/vmw-app-01"
    [[ -f "$dir/vmw-app-01-flat.vmdk" ]] && return
    say "creating $dir/vmw-app-01.vmdk (VMware monolithicFlat: descriptor + -flat.vmdk extent)"
    mkdir -p "$dir"
    make_filesystem "$dir/disk.raw" "$(disk_content vmw-app-01)" app
    qemu-img convert -f raw -O vmdk -o subformat=monolithicFlat "$dir/disk.raw" "$dir/vmw-app-01.vmdk"
    rm -f "$dir/disk.raw"
}

# The Hyper-V VM's disk: a VHDX, exported read-only over NBD by qemu-nbd (the stand-in for
# the off-host proxy's view of a transportable shadow copy).
make_hyperv_disk() {
    local dir="$LAB/hyperv/hv-sql-01"
    [[ -f "$dir/disk0.vhdx" ]] && return
    say "creating $dir/disk0.vhdx"
    mkdir -p "$dir"
    make_filesystem "$dir/disk0.raw" "$(disk_content hv-sql-01)" sql
    qemu-img convert -f raw -O vhdx "$dir/disk0.raw" "$dir/disk0.vhdx"
    rm -f "$dir/disk0.raw"
}

write_inventory() {
    local target="$LAB/lab-inventory.json"
    sed "s#$TEMPLATE_LAB#$LAB#g" "$DEMO/lab-inventory.json" >"$target.tmp"
    mv "$target.tmp" "$target"
}

# --- processes ----------------------------------------------------------------------

# Prints the pid in file $1 if that process runs and is a QEMU program (not a zombie, not
# another program that got the pid since), else fails. QEMU deletes its pid file when it
# exits, so a copy is kept next to it.
alive_pid() {
    local pid state
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/stat" ]]; then
        state="$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)"
        [[ "$state" != Z && "$state" != X ]] || return 1
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep qemu >/dev/null || return 1
    fi
    echo "$pid"
}

start_vm() {
    local name="$1" format="$2" dir="$LAB/$1"
    if alive_pid "$dir/vm.pid.copy" >/dev/null; then
        say "$name runs already"
        return
    fi
    rm -f "$dir/qmp.sock" "$dir/qga.sock" "$dir/vm.pid"
    : >"$dir/console.log"
    qemu-system-x86_64 -name "$name" -accel tcg -m "$VM_MEMORY" -smp 1 -nodefaults \
        -kernel "$LAB/guest/vmlinuz" -initrd "$LAB/guest/initrd-demo.cpio" \
        -append "console=ttyS0 quiet panic=-1 i8042.noprobe ferry.vm=$name" \
        -display none -serial "file:$dir/console.log" -monitor none -no-reboot \
        -blockdev "driver=file,filename=$dir/scsi0.$format,node-name=file-scsi0" \
        -blockdev "driver=$format,file=file-scsi0,node-name=$NODE" \
        -device "virtio-blk-pci,drive=$NODE,id=scsi0" \
        -chardev "socket,path=$dir/qga.sock,server=on,wait=off,id=qga0" \
        -device virtio-serial -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 \
        -qmp "unix:$dir/qmp.sock,server=on,wait=off" \
        -pidfile "$dir/vm.pid" -daemonize 2>"$dir/qemu.log" ||
        die "QEMU did not start $name: $(cat "$dir/qemu.log")"
    cp "$dir/vm.pid" "$dir/vm.pid.copy"
    say "started $name (pid $(cat "$dir/vm.pid"), $format data disk, QMP $dir/qmp.sock, agent $dir/qga.sock)"
}

start_export() {
    local dir="$LAB/hyperv/hv-sql-01"
    if alive_pid "$dir/nbd.pid" >/dev/null; then
        return
    fi
    rm -f "$dir/nbd.sock"
    qemu-nbd --fork --persistent --shared=8 --read-only --format=vhdx --export-name=disk0 \
        --socket="$dir/nbd.sock" --pid-file="$dir/nbd.pid" "$dir/disk0.vhdx" 2>"$dir/nbd.log" ||
        die "qemu-nbd did not start: $(cat "$dir/nbd.log")"
    say "exported hv-sql-01's disk0.vhdx read-only: nbd+unix:///disk0?socket=$dir/nbd.sock"
}

# One exchange with a QMP socket: qmp_capabilities, then the command $2; prints the replies.
qmp() {
    { printf '{"execute":"qmp_capabilities"}\n{"execute":"%s"}\n' "$2"; sleep 1; } |
        timeout 10 socat -t 2 - "UNIX-CONNECT:$1" 2>/dev/null || true
}

# True when the guest agent behind socket $1 answers guest-ping (after guest-sync-delimited,
# whose reply starts with 0xFF; the agent first complains about the 0xFF itself).
agent_answers() {
    local id=$((RANDOM * 32768 + RANDOM))
    { printf '\xff{"execute":"guest-sync-delimited","arguments":{"id":%d}}\n' "$id"; sleep 1
      printf '{"execute":"guest-ping"}\n'; sleep 1; } |
        timeout 8 socat -t 2 - "UNIX-CONNECT:$1" 2>/dev/null | tr -d '\377' | grep -a '"return": {}' >/dev/null
}

wait_for_agents() {
    local deadline=$((SECONDS + BOOT_TIMEOUT)) pending=("${QEMU_VMS[@]}") next entry name
    say "waiting for the guest agents (TCG: 20-60 s)"
    while ((${#pending[@]} > 0)); do
        next=()
        for entry in "${pending[@]}"; do
            name="${entry%%:*}"
            if ! alive_pid "$LAB/$name/vm.pid.copy" >/dev/null; then
                tail -n 20 "$LAB/$name/console.log" >&2 || true
                die "$name stopped while booting (console above, QEMU log: $LAB/$name/qemu.log)"
            fi
            if agent_answers "$LAB/$name/qga.sock"; then
                say "$name: guest agent answers ($((SECONDS - START))s)"
            else
                next+=("$entry")
            fi
        done
        pending=("${next[@]+"${next[@]}"}")
        if ((${#pending[@]} > 0 && SECONDS >= deadline)); then
            die "no answer from the guest agent of ${pending[*]%%:*} within ${BOOT_TIMEOUT}s; see $LAB/*/console.log"
        fi
    done
}

stop_vm() {
    local name="$1" dir="$LAB/$1" pid
    pid="$(alive_pid "$dir/vm.pid.copy")" || return 0
    qmp "$dir/qmp.sock" quit >/dev/null
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        # no clean quit: the persistent bitmap is left inconsistent and the next backup is full
        kill -KILL "$pid" 2>/dev/null || true
        say "$name did not quit within 20 s: killed (pid $pid)"
    else
        say "$name quit"
    fi
    rm -f "$dir/vm.pid.copy" "$dir/qmp.sock" "$dir/qga.sock"
}

stop_export() {
    local dir="$LAB/hyperv/hv-sql-01" pid
    pid="$(alive_pid "$dir/nbd.pid")" || return 0
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    rm -f "$dir/nbd.sock"
    say "stopped the NBD export of hv-sql-01"
}

# --- commands -----------------------------------------------------------------------

cmd_start() {
    START=$SECONDS
    check_packages
    mkdir -p "$LAB"
    build_guest
    local entry
    for entry in "${QEMU_VMS[@]}"; do
        make_qemu_disk "${entry%%:*}" "${entry#*:}"
    done
    make_vmware_disk
    make_hyperv_disk
    write_inventory
    for entry in "${QEMU_VMS[@]}"; do
        start_vm "${entry%%:*}" "${entry#*:}"
    done
    start_export
    wait_for_agents
    say "ready in $((SECONDS - START))s; inventory: $LAB/lab-inventory.json"
}

cmd_status() {
    local entry name dir ok=0 pid
    [[ -d "$LAB" ]] || { say "no lab in $LAB (demo/lab.sh start makes one)"; exit 3; }
    for entry in "${QEMU_VMS[@]}"; do
        name="${entry%%:*}"
        dir="$LAB/$name"
        if ! pid="$(alive_pid "$dir/vm.pid.copy")"; then
            say "$name: not running"
            ok=3
            continue
        fi
        local qmp_state agent_state
        qmp_state="$(qmp "$dir/qmp.sock" query-status | grep -ao '"status": "[a-z-]*"' | head -n 1 | cut -d'"' -f4)"
        if agent_answers "$dir/qga.sock"; then agent_state="answers"; else agent_state="no answer"; ok=3; fi
        say "$name: pid $pid, QMP status ${qmp_state:-no answer}, guest agent $agent_state, disk $dir/scsi0.${entry#*:}"
        [[ -n "$qmp_state" ]] || ok=3
    done
    if pid="$(alive_pid "$LAB/hyperv/hv-sql-01/nbd.pid")"; then
        say "hv-sql-01: NBD export runs (qemu-nbd pid $pid)"
    else
        say "hv-sql-01: NBD export not running"
        ok=3
    fi
    say "vmw-app-01: disk $LAB/vmware/vmw-app-01/vmw-app-01-flat.vmdk"
    return $ok
}

cmd_stop() {
    local entry
    [[ -d "$LAB" ]] || return 0
    for entry in "${QEMU_VMS[@]}"; do
        stop_vm "${entry%%:*}"
    done
    stop_export
}

cmd_destroy() {
    cmd_stop
    [[ -d "$LAB" ]] || { say "no lab in $LAB"; return 0; }
    case "$LAB" in
        / | /var | /var/tmp | /tmp | "$HOME") die "refusing to delete $LAB" ;;
    esac
    if [[ ! -e "$LAB/lab-inventory.json" && ! -d "$LAB/guest" ]]; then
        die "$LAB does not look like a demo lab (no lab-inventory.json, no guest/): not deleting it"
    fi
    rm -rf "$LAB"
    say "deleted $LAB"
}

main() {
    local command="${1:-}"
    case "$command" in
        start) cmd_start ;;
        status) cmd_status ;;
        stop) cmd_stop ;;
        destroy) cmd_destroy ;;
        inventory) echo "$LAB/lab-inventory.json" ;;
        check) check_packages ;;
        -h | --help | help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
