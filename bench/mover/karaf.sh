#!/usr/bin/env bash
#
# Ferry's product path on the benchmark images: the same backups and restores as ferry.sh,
# but as an operator runs them, through a running Ferry (Karaf) whose JVM is warm and whose
# job repositories are already open: `ferry:backup-disk --job-repo SERVER` and
# `ferry:restore-disk --job-repo SERVER` sent over Karaf's SSH port with OpenSSH (~0.1 s of
# the wall time is the SSH exec; bin/client, a JVM of its own, would add ~1 s). Rows
# "ferry-karaf": wall = the SSH command from the outside, page cache dropped before each;
# cpu = user+sys of the Karaf JVM during it (the client's few ms not counted); rss "-" (the
# JVM holds all of Ferry, not comparable with a one-shot command).
#
#   bench/mover/karaf.sh [--keep]
#
# Rows: full os.raw into job repository bench-a and again into bench-b; incremental
# os-day2.raw (re-read, dedupe) into bench-a; incremental with the dirty bitmap (qemu-nbd
# export of os-day2.qcow2 with -B day2) into bench-b; restore of bench-a's day-2 backup +
# sync, and of bench-b's bitmap backup + sync (sha256 and allocation checked); full
# random.raw and zero.raw into bench-a, restore of zero.raw + sync.
#
# Before the rows, untimed, the JVM is warmed as a long-running Ferry is: one job per
# repository server backs up a 512 MiB image derived from os.raw (every 4 MiB block changed,
# so nothing dedupes against the measured rows; this also creates the job repositories),
# one restore of it, and a full and a bitmap backup of os-day2.qcow2 over NBD into a third
# job repository (bench-w) that no measured row uses.
#
# Needs the distribution (karaf-distribution/target/*.zip: ./mvnw -B -DskipTests install),
# ssh (openssh-client) and the images of make-images.sh. Ferry runs from $FERRY_BENCH_DATA/
# work/karaf/run (a fresh installation each time; its ports 8101, 8143, 8443 on loopback must
# be free: stop other Ferry instances or run this in a network namespace of its own).
# FERRY_BENCH_MOVER_THREADS=N sets the mover's workers (etc/io.ferry.mover.cfg, threads).
# FERRY_BENCH_PERF=1 also records a `perf record -F 499` profile of the Karaf JVM during each row
# ($FERRY_BENCH_DATA/logs/karaf.perf.*.data, JIT symbols in /tmp/perf-PID.map; with --keep,
# e.g. perf report -i FILE --sort dso,sym). The rows' times then include perf's overhead.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEEP=0
while (($#)); do
    case "$1" in
        --keep) KEEP=1; shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
need_tools ssh:openssh-client python3:python3 qemu-nbd:qemu-utils /usr/bin/time:time
for f in os.raw os-day2.raw random.raw zero.raw os-day2.qcow2; do
    [[ -f "$IMG/$f" ]] || die "no $IMG/$f: run bench/mover/make-images.sh first"
done
ls "$ROOT"/karaf-distribution/target/*.zip >/dev/null 2>&1 ||
    die "no distribution in karaf-distribution/target: build it (./mvnw -B -DskipTests install)"

W="$WORK/karaf"
export FERRY_RUN_DIR="$W/run"
FERRY="$ROOT/ferry"
cleanup() {
    stop_nbd
    "$FERRY" stop >/dev/null 2>&1 || true
    if ((!KEEP)); then rm -rf "$W"; fi
}
trap cleanup EXIT
"$FERRY" stop >/dev/null 2>&1 || true
rm -rf "$W"
mkdir -p "$W/restore" "$W/transfer" "$LOGS"

# the warm-up image (bench/mover/make-warm-image.py, shared with bench/agents/run.sh)
WARM_IMG="$IMG/warm.raw"
[[ -f "$WARM_IMG" ]] || python3 "$BENCH_DIR/make-warm-image.py" "$IMG/os.raw" "$WARM_IMG"

log "starting Ferry in $FERRY_RUN_DIR (mover threads: ${MOVER_THREADS/#0/the default, 2 per core})"
"$FERRY" start >"$LOGS/karaf.start.log" 2>&1 || die "ferry start failed: $(tail -n 5 "$LOGS/karaf.start.log")"
{
    echo "disk.roots = \${karaf.data}/ferry/disks, $IMG"
    echo "socket.roots = \${karaf.data}/ferry, $W"
    echo "restore.roots = \${karaf.data}/ferry/restores, $W/restore"
    echo "transfer.roots = \${karaf.data}/ferry/transfer, $W/transfer"
} >>"$FERRY_RUN_DIR/etc/io.ferry.paths.cfg"
# FERRY_BENCH_MOVER_THREADS (lib.sh): the mover's workers, as an operator sets them (0: its default)
if [[ "$MOVER_THREADS" != 0 ]]; then
    echo "threads = $MOVER_THREADS" >"$FERRY_RUN_DIR/etc/io.ferry.mover.cfg"
fi
KEY="$FERRY_RUN_DIR/etc/ferry-admin.key"
PORT="$(awk -F' *= *' '$1 == "sshPort" { print $2 }' "$FERRY_RUN_DIR/etc/org.apache.karaf.shell.cfg")"
KARAF_PID="$(cat "$FERRY_RUN_DIR/karaf.pid")"
SSH=(ssh -q -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10
    -i "$KEY" -p "${PORT:-8101}" admin@127.0.0.1)
# shell CMD: one Karaf command over SSH (output on stdout)
shell() { "${SSH[@]}" "$1"; }
sleep 2 # the paths configuration is picked up while Karaf runs

warm_size="$(size_bytes "$WARM_IMG")"
cat >"$W/transfer/inventory.json" <<EOF
{"format": "ferry-inventory", "formatVersion": 1,
 "servers": [
  {"name": "bench-bkp", "address": "10.10.9.10", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.9.0/24"], "site": "bench", "maxConcurrentTasks": 2, "roles": [{"type": "BACKUP_SERVER"}]},
  {"name": "bench-a", "address": "10.10.9.11", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.9.0/24"], "site": "bench", "maxConcurrentTasks": 2, "roles": [{"type": "REPOSITORY"}]},
  {"name": "bench-w", "address": "10.10.9.13", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.9.0/24"], "site": "bench", "maxConcurrentTasks": 2, "roles": [{"type": "REPOSITORY"}]},
  {"name": "bench-b", "address": "10.10.9.12", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.9.0/24"], "site": "bench", "maxConcurrentTasks": 2, "roles": [{"type": "REPOSITORY"}]},
  {"name": "bench-px", "address": "10.10.9.21", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.9.0/24"], "site": "bench", "facts": {"san.access": "bench-ds"}, "maxConcurrentTasks": 1, "roles": [{"type": "VMWARE_PROXY", "transportMode": "DIRECT_STORAGE_ACCESS", "failoverToNetwork": false, "encryptNetworkTraffic": false}]}],
 "hosts": [
  {"name": "bench-vc", "kind": "VCENTER", "address": "10.10.9.100", "platformVersion": "8.0u2", "storage": [{"name": "bench-ds", "kind": "VMFS", "deduplicated": false}]},
  {"name": "bench-esx", "kind": "ESXI", "address": "10.10.9.101", "parent": "bench-vc", "platformVersion": "8.0u2"}],
 "vms": [{"name": "bench-warm", "host": "bench-esx", "guestOs": "linux:debian:12", "networks": ["10.10.9.0/24"], "disks": [{"label": "scsi0:0", "capacityBytes": $warm_size, "format": "RAW", "location": "$WARM_IMG", "storage": "bench-ds"}]}],
 "jobs": [
  {"name": "bench-warm-a", "platform": "VMWARE", "vms": ["bench-warm"], "repository": "bench-a", "proxies": {"automatic": false, "servers": ["bench-px"]}, "schedule": "manual"},
  {"name": "bench-warm-b", "platform": "VMWARE", "vms": ["bench-warm"], "repository": "bench-b", "proxies": {"automatic": false, "servers": ["bench-px"]}, "schedule": "manual"},
  {"name": "bench-warm-w", "platform": "VMWARE", "vms": ["bench-warm"], "repository": "bench-w", "proxies": {"automatic": false, "servers": ["bench-px"]}, "schedule": "manual"}]}
EOF
shell "ferry:inventory-import $W/transfer/inventory.json" >"$LOGS/karaf.import.log" 2>&1 ||
    die "inventory import failed: $(tail -n 3 "$LOGS/karaf.import.log")"

# --- warm-up (untimed) ---------------------------------------------------------------------
log "warm-up: jobs bench-warm-a, -b and -w back up warm.raw; one restore of it; two NBD backups into bench-w"
for job in bench-warm-a bench-warm-b bench-warm-w; do
    shell "ferry:job-run --json $job" >"$LOGS/karaf.$job.json" 2>&1 || true
    grep -q '"status" : "SUCCESS"' "$LOGS/karaf.$job.json" || die "$job did not succeed: $(head -c 2000 "$LOGS/karaf.$job.json")"
done
shell "ferry:backups --job-repo bench-a --json" >"$LOGS/karaf.warm-backups.json"
warm_disk="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["disk"])' "$LOGS/karaf.warm-backups.json")" ||
    die "no backup in job repository bench-a after the warm-up: $(head -c 500 "$LOGS/karaf.warm-backups.json")"
shell "ferry:restore-disk --job-repo bench-a --disk $warm_disk --json $W/restore/warm.raw" >"$LOGS/karaf.warm-restore.json" 2>&1 ||
    die "warm-up restore failed: $(tail -n 3 "$LOGS/karaf.warm-restore.json")"
rm -f "$W/restore/warm.raw"
# the NBD path (libnbd, block status with a dirty bitmap) as a proxy that backs up QEMU VMs has it:
# a full and a bitmap backup of os-day2.qcow2 into bench-w, a repository no measured row uses
sock="$W/nbd.sock"
start_nbd "$sock"
for bitmap in "" "--bitmap day2"; do
    shell "ferry:backup-disk --job-repo bench-w --disk bench/warm-nbd --json $bitmap \"nbd+unix:///os?socket=$sock\"" \
        >"$LOGS/karaf.warm-nbd.json" 2>&1 || die "warm-up NBD backup failed: $(tail -n 3 "$LOGS/karaf.warm-nbd.json")"
done
stop_nbd
REPO_ROOT="$FERRY_RUN_DIR/data/ferry/repositories"
[[ -d "$REPO_ROOT/bench-a" && -d "$REPO_ROOT/bench-b" ]] || die "no job repositories under $REPO_ROOT after the warm-up"

# --- rows ----------------------------------------------------------------------------------
jvm_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$KARAF_PID/stat"; }

# karaf_row OP IMAGE REPO_SERVER COMMAND [SYNC]: one timed shell command (SYNC "sync": then `sync`,
# inside the timing); sets T_* and ROW_*; the command's JSON answer is in $LOGS/$ROW_NAME.out
karaf_row() {
    local op="$1" image="$2" server="$3" command="$4" c0 c1 perf_pid="" run=("${SSH[@]}")
    [[ "${5:-}" != sync ]] || run=(bash -c '"$@" && sync' _ "${SSH[@]}")
    if [[ -n "${FERRY_BENCH_PERF:-}" ]]; then
        perf record -F 499 -o "$LOGS/karaf.perf.$op.$image.$server.data" -p "$KARAF_PID" >/dev/null 2>&1 &
        perf_pid=$!
        sleep 0.5
    fi
    c0="$(jvm_cpu)"
    timed ferry ferry-karaf "$op" "$image" "$REPO_ROOT/$server" "${run[@]}" "$command"
    c1="$(jvm_cpu)"
    if [[ -n "$perf_pid" ]]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
        jcmd "$KARAF_PID" Compiler.perfmap >/dev/null 2>&1 || true
    fi
    T_CPU="$(calc "$c1 - $c0")"
    T_RSS=-
}
# service_time FILE: the time the service measured (the JSON answer's durationMillis or
# elapsedMillis), for the detail column
service_time() {
    python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    ms = d.get("durationMillis", d.get("elapsedMillis"))
    print("no duration in the answer" if ms is None else "service %.3f s" % (ms / 1000))
except (OSError, ValueError):
    print("no JSON answer")
PY
}

backup() { # OP IMAGE SERVER DISK SOURCE [OPTIONS...]
    local op="$1" image="$2" server="$3" disk="$4" source="$5"
    shift 5
    karaf_row "$op" "$image" "$server" "ferry:backup-disk --job-repo $server --disk $disk --json $* \"$source\""
    local result
    result="$(rc_result)"
    [[ "$result" != ok ]] || grep -q '"id"' "$LOGS/$ROW_NAME.out" || result="FAILED: $(head -c 300 "$LOGS/$ROW_NAME.out")"
    finish_row "$result" "$(service_time "$LOGS/$ROW_NAME.out")"
}

restore() { # OP IMAGE SERVER DISK
    local op="$1" image="$2" server="$3" disk="$4" target="$W/restore/disk.raw"
    rm -f "$target"
    karaf_row "$op" "$image" "$server" "ferry:restore-disk --job-repo $server --disk $disk --json $target" sync
    restore_result "$target" "$image"
    finish_row "$R_RESULT" "$R_DETAIL; $(service_time "$LOGS/$ROW_NAME.out") (+ sync)"
    rm -f "$target"
}

# the fixed cost of every row: an SSH exec of a command that does nothing (cold, as the rows)
karaf_row ssh-noop zero.raw bench-a "echo"
record ferry ferry-karaf ssh-noop - "$ROW_CACHE" "$T_WALL" - "$T_CPU" - - - "$(rc_result)" \
    "an SSH exec of Karaf's echo: included in every ferry-karaf wall time"

backup full os.raw bench-a bench/os "$IMG/os.raw"
backup full os.raw bench-b bench/os "$IMG/os.raw"
backup incr os-day2.raw bench-a bench/os "$IMG/os-day2.raw"

start_nbd "$sock"
backup incr-bitmap os-day2.qcow2 bench-b bench/os "nbd+unix:///os?socket=$sock" --bitmap day2
stop_nbd

restore restore+sync os-day2.raw bench-a bench/os
restore restore+sync os-day2.qcow2 bench-b bench/os

backup full random.raw bench-a bench/random "$IMG/random.raw"
backup full zero.raw bench-a bench/zero "$IMG/zero.raw"
restore restore+sync zero.raw bench-a bench/zero
