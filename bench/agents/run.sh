#!/usr/bin/env bash
#
# Issue "Real proxies", benchmark 1: a full backup of bench/mover's os.raw (4 GiB, 2.3 GiB of
# data) three ways, side by side in one run, alternating, each into a fresh repository, page
# cache dropped before each:
#   remote: a proxy AGENT (a separate Karaf process: reads, chunks, compresses, encrypts) asks a
#           REPOSITORY AGENT (another Karaf process, its own repository) which chunks are missing
#           and uploads them to it over mutual-TLS gRPC on loopback; the manager only coordinates;
#   agent:  the same proxy agent uploading to the manager's own repository store;
#   local:  the backup IN-PROCESS (a proxy without an agent: the manager's JVM does everything).
# Prints wall time, throughput and CPU seconds per process.
#
#   bench/agents/run.sh [ROUNDS]        (default 3 rounds = 9 backups)
#   FERRY_BENCH_JFR=1 bench/agents/run.sh 1   (also JFR profiles of every JVM, in $FERRY_BENCH_DATA/agents/)
#   FERRY_BENCH_THREADS=1 ...   (also CPU per thread of each JVM and run: bench/agents/threads.py $FERRY_BENCH_DATA/agents)
#   FERRY_BENCH_PERF=1 ...      (also `perf record -g` of both agents during the remote runs, with JIT maps)
#   FERRY_BENCH_JFR_SETTINGS=FILE.jfc   (JFR settings instead of "profile")
#   FERRY_BENCH_AGENT_OPTS="-XX:..."    (JVM options of the agents only, as EXTRA_JAVA_OPTS)
#   FERRY_BENCH_REPO_OPTS="-XX:..."     (JVM options of the repository agents only)
#
# Needs the images of bench/mover (bench/mover/make-images.sh; FERRY_BENCH_DATA, default
# /var/tmp/ferry-bench) and a built distribution (./mvnw -B -DskipTests install).
# Everything it starts lives in $FERRY_BENCH_DATA/agents/ and is stopped at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${FERRY_BENCH_DATA:-/var/tmp/ferry-bench}"
ROUNDS="${1:-3}"
IMG="$DATA/images/os.raw"
[[ -f "$IMG" ]] || { echo "no $IMG: run bench/mover/make-images.sh first" >&2; exit 1; }
WORK="$DATA/agents"
export FERRY_RUN_DIR="$WORK/manager" FERRY_AGENTS_DIR="$WORK/agents"
FERRY="$ROOT/ferry"

cleanup() {
    "$FERRY" agent stop >/dev/null 2>&1 || true
    "$FERRY" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
rm -rf "$WORK"
mkdir -p "$WORK"

cpu_seconds() { # user+sys of a pid, in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

thread_cpu() { # OUT PID...: user+sys clock ticks of every thread of each JVM (FERRY_BENCH_THREADS=1)
    local out="$1" pid t; shift
    for pid in "$@"; do
        for t in /proc/"$pid"/task/*; do
            { awk -v pid="$pid" -v tid="${t##*/}" -v comm="$(tr ' ' _ <"$t/comm")" \
                '{ sub(/^.*\) /, ""); print pid, tid, comm, $12 + $13 }' "$t/stat"; } 2>/dev/null || true
        done
    done >"$out"
}

size=$(stat -c %s "$IMG")
# The warm-up image: 512 MiB of os.raw with the first bytes of every 4 MiB changed, so that it
# exercises the same paths (LZ4, sparse runs) without sharing a chunk with os.raw. Every JVM
# backs it up once, untimed, before the measured runs: a fresh JVM spends seconds of CPU in its
# JIT compilers on the first gigabytes (a repository agent's C2 thread used more CPU than its
# network thread in the first profile), which a long-running agent pays once.
WARM="$DATA/images/warm.raw"
[[ -f "$WARM" ]] || python3 "$ROOT/bench/mover/make-warm-image.py" "$IMG" "$WARM"
warm_size=$(stat -c %s "$WARM")
repos="" jobs=""
for r in $(seq 1 "$ROUNDS"); do
    jobs+="$(printf '{"name": "warm-remote-%d", "platform": "VMWARE", "vms": ["warm-agent"], "repository": "repo-remote-%d", "proxies": {"automatic": false, "servers": ["px-agent"]}, "schedule": "manual"},' "$r" "$r")"
done
for mode in agent local; do
    repos+="$(printf '{"name": "repo-warm-%s", "address": "10.10.1.%d", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.1.0/24"], "site": "hq", "maxConcurrentTasks": 2, "roles": [{"type": "REPOSITORY"}]},' "$mode" "$((90 + ${#mode}))")"
    jobs+="$(printf '{"name": "warm-%s", "platform": "VMWARE", "vms": ["warm-%s"], "repository": "repo-warm-%s", "proxies": {"automatic": false, "servers": ["px-%s"]}, "schedule": "manual"},' "$mode" "$mode" "$mode" "$mode")"
done
for r in $(seq 1 "$ROUNDS"); do
    for mode in remote agent local; do
        repos+="$(printf '{"name": "repo-%s-%d", "address": "10.10.1.%d", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.1.0/24"], "site": "hq", "maxConcurrentTasks": 2, "roles": [{"type": "REPOSITORY"}]},' "$mode" "$r" "$((100 + r * 2 + ${#mode}))")"
        px="$mode"; [[ "$mode" == remote ]] && px=agent
        jobs+="$(printf '{"name": "bench-%s-%d", "platform": "VMWARE", "vms": ["os-%s"], "repository": "repo-%s-%d", "proxies": {"automatic": false, "servers": ["px-%s"]}, "schedule": "manual"},' "$mode" "$r" "$px" "$mode" "$r" "$px")"
    done
done
proxy() {
    printf '{"name": "px-%s", "address": "%s", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.1.0/24"], "site": "hq", "facts": {"san.access": "ds-01"}, "maxConcurrentTasks": 1, "roles": [{"type": "VMWARE_PROXY", "transportMode": "DIRECT_STORAGE_ACCESS", "failoverToNetwork": false, "encryptNetworkTraffic": false}]}' "$1" "$2"
}
vm() { # NAME SIZE IMAGE
    printf '{"name": "%s", "host": "esx-01", "guestOs": "linux:debian:12", "networks": ["10.10.1.0/24"], "disks": [{"label": "scsi0:0", "capacityBytes": %d, "format": "RAW", "location": "%s", "storage": "ds-01"}]}' "$1" "$2" "$3"
}
cat >"$WORK/inventory.json" <<EOF
{"format": "ferry-inventory", "formatVersion": 1,
 "servers": [
  {"name": "bkp-01", "address": "10.10.1.10", "os": "linux:debian:12", "machineKind": "PHYSICAL", "networks": ["10.10.1.0/24"], "site": "hq", "maxConcurrentTasks": 2, "roles": [{"type": "BACKUP_SERVER"}]},
  ${repos}
  $(proxy agent 10.10.1.21), $(proxy local 10.10.1.22)],
 "hosts": [
  {"name": "vc-01", "kind": "VCENTER", "address": "10.10.1.100", "platformVersion": "8.0u2", "storage": [{"name": "ds-01", "kind": "VMFS", "deduplicated": false}]},
  {"name": "esx-01", "kind": "ESXI", "address": "10.10.1.101", "parent": "vc-01", "platformVersion": "8.0u2"}],
 "vms": [$(vm os-agent "$size" "$IMG"), $(vm os-local "$size" "$IMG"), $(vm warm-agent "$warm_size" "$WARM"), $(vm warm-local "$warm_size" "$WARM")],
 "jobs": [${jobs%,}]}
EOF

echo "== starting the manager and the agent of px-agent"
"$FERRY" start >"$WORK/start.log" 2>&1 || { cat "$WORK/start.log"; exit 1; }
for dir_setting in "disk.roots = \${karaf.data}/ferry/disks, $DATA/images" "transfer.roots = \${karaf.data}/ferry/transfer, $WORK"; do
    echo "$dir_setting" >>"$FERRY_RUN_DIR/etc/io.ferry.paths.cfg"
done
sleep 3
"$FERRY" client "ferry:inventory-import $WORK/inventory.json"
token="$("$FERRY" client 'ferry:agent-token px-agent' | grep -o 'FE1\.[A-Za-z0-9_.-]*' | head -n 1)"
export DATA
allow_images() { echo "disk.roots = \${karaf.data}/ferry/disks, $DATA/images" >>"$1/etc/io.ferry.paths.cfg"; }
export -f allow_images
EXTRA_JAVA_OPTS="${FERRY_BENCH_AGENT_OPTS:-}" AGENT_CONFIGURE_HOOK=allow_images "$FERRY" agent enroll --manager "127.0.0.1:8143" --token "$token" >"$WORK/enroll.log" 2>&1 \
    || { cat "$WORK/enroll.log"; exit 1; }
manager_pid="$(cat "$FERRY_RUN_DIR/karaf.pid")"
agent_pid="$(cat "$FERRY_AGENTS_DIR/px-agent/karaf.pid")"
# one repository agent per round (each holds one fresh repository), ports 8150 + round
for r in $(seq 1 "$ROUNDS"); do
    token="$("$FERRY" client "ferry:agent-token repo-remote-$r" | grep -o 'FE1\.[A-Za-z0-9_.-]*' | head -n 1)"
    EXTRA_JAVA_OPTS="${FERRY_BENCH_REPO_OPTS:-${FERRY_BENCH_AGENT_OPTS:-}}" \
    "$FERRY" agent enroll --manager "127.0.0.1:8143" --token "$token" --store-listen "127.0.0.1:$((8150 + r))" \
        >"$WORK/enroll-repo-$r.log" 2>&1 || { cat "$WORK/enroll-repo-$r.log"; exit 1; }
done
sleep 12 # a heartbeat with the store address from each
echo "manager pid $manager_pid, proxy agent pid $agent_pid; load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== warm-up (untimed): every JVM backs up $WARM once"
for job in warm-agent warm-local $(for r in $(seq 1 "$ROUNDS"); do echo "warm-remote-$r"; done); do
    "$FERRY" client "ferry:job-run --json $job" >"$WORK/$job.json"
    grep -q '"status" : "SUCCESS"' "$WORK/$job.json" || { echo "$job did not succeed:"; cat "$WORK/$job.json"; exit 1; }
done
if [[ -n "${FERRY_BENCH_JFR:-}" ]]; then # profiles of every JVM, dumped to $WORK/*.jfr at the end
    jfr_pids="$manager_pid $agent_pid $(cat "$FERRY_AGENTS_DIR"/repo-remote-*/karaf.pid)"
    for pid in $jfr_pids; do jcmd "$pid" JFR.start settings="${FERRY_BENCH_JFR_SETTINGS:-profile}" name=bench >/dev/null; done
fi
printf '%-16s %8s %10s %12s %10s %10s\n' "run" "wall s" "MiB/s" "manager cpu" "proxy cpu" "repo cpu"
for r in $(seq 1 "$ROUNDS"); do
    repo_pid="$(cat "$FERRY_AGENTS_DIR/repo-remote-$r/karaf.pid")"
    for mode in remote agent local; do
        sync
        echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
        m0=$(cpu_seconds "$manager_pid") a0=$(cpu_seconds "$agent_pid") s0=$(cpu_seconds "$repo_pid")
        [[ -n "${FERRY_BENCH_THREADS:-}" ]] && thread_cpu "$WORK/threads-$mode-$r.0" "$manager_pid" "$agent_pid" "$repo_pid"
        if [[ -n "${FERRY_BENCH_PERF:-}" && "$mode" == remote ]]; then
            perf record -F 499 -g -o "$WORK/perf-$mode-$r.data" -p "$agent_pid,$repo_pid" >/dev/null 2>&1 &
            perf_pid=$!
            sleep 1
        fi
        t0=$(date +%s.%N)
        "$FERRY" client "ferry:job-run --json bench-$mode-$r" >"$WORK/run-$mode-$r.json"
        t1=$(date +%s.%N)
        if [[ -n "${perf_pid:-}" ]]; then
            kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=""
            for pid in "$agent_pid" "$repo_pid"; do jcmd "$pid" Compiler.perfmap >/dev/null; done
        fi
        [[ -n "${FERRY_BENCH_THREADS:-}" ]] && thread_cpu "$WORK/threads-$mode-$r.1" "$manager_pid" "$agent_pid" "$repo_pid"
        m1=$(cpu_seconds "$manager_pid") a1=$(cpu_seconds "$agent_pid") s1=$(cpu_seconds "$repo_pid")
        grep -q '"status" : "SUCCESS"' "$WORK/run-$mode-$r.json" || { echo "bench-$mode-$r did not succeed:"; cat "$WORK/run-$mode-$r.json"; exit 1; }
        awk -v n="bench-$mode-$r" -v t0="$t0" -v t1="$t1" -v s="$size" -v m="$(echo "$m1 - $m0" | bc)" \
            -v a="$(echo "$a1 - $a0" | bc)" -v p="$(echo "$s1 - $s0" | bc)" \
            'BEGIN { w = t1 - t0; printf "%-16s %8.2f %10.0f %12.2f %10.2f %10.2f\n", n, w, s / 1048576 / w, m, a, p }'
    done
done
if [[ -n "${FERRY_BENCH_JFR:-}" ]]; then
    for pid in $jfr_pids; do jcmd "$pid" JFR.dump name=bench filename="$WORK/jfr-$pid.jfr" >/dev/null; done
    echo "profiles: $WORK/jfr-*.jfr (manager $manager_pid, proxy agent $agent_pid)"
fi
echo "(wall: the whole ferry:job-run through bin/client, session bookkeeping included; cpu: user+sys seconds of each JVM during the run; repo cpu: the round's repository agent)"
