#!/usr/bin/env bash
#
# Inventory scale benchmark: generates an inventory of 10,000 servers, 100,000 VMs and
# 300,000 disks (generate.py), imports it into a fresh Ferry (Karaf distribution started
# with ./ferry), and measures import and export time, server-list / vm-list latency
# through the shell, and the Karaf JVM's heap and RSS. Also runs ImportHarness.java, the
# same import/list/export at service level (no Karaf, no shell).
#
#   bench/inventory/run.sh [--servers N] [--vms N] [--disks N] [--seed N] [--max-heap 512m]
#                          [--ssh-port P] [--no-karaf] [--no-harness] [--no-doc] [--doc FILE]
#
# Prints a markdown report and replaces the section between the bench/inventory markers
# in docs/benchmarks.md. A benchmark, never a test: nothing here asserts a time.
#
# Needs: the distribution zip in karaf-distribution/target (./mvnw -B -DskipTests install),
# ./ferry, python3, a JDK 17 (jcmd). Work files go to bench/out/inventory/ (git-ignored):
# the generated file (reused when present), a fresh Karaf installation (deleted and
# re-created on every run, so the import starts from an empty inventory), command output.
# The installation uses its own SSH and RMI ports (--ssh-port, default 8201, RMI +1000
# and +36000) so that it does not collide with a Ferry started by ./ferry start.
# The distribution limits the Karaf JVM to FERRY_HEAP (default 1g: -Xmx and direct buffers,
# bin/setenv); --max-heap starts it with FERRY_HEAP set to that size instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/inventory"
OUT="$ROOT/bench/out/inventory"
SERVERS=10000 VMS=100000 DISKS=300000 SEED=20261123
SSH_PORT=8201
MAX_HEAP=""
DO_KARAF=1 DO_HARNESS=1 DO_DOC=1
DOC="$ROOT/docs/benchmarks.md"
COMMAND_LINE="bench/inventory/run.sh${*:+ $*}"

while (($#)); do
    case "$1" in
        --servers) SERVERS="$2"; shift 2 ;;
        --vms) VMS="$2"; shift 2 ;;
        --disks) DISKS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --ssh-port) SSH_PORT="$2"; shift 2 ;;
        --max-heap) MAX_HEAP="$2"; shift 2 ;;
        --no-karaf) DO_KARAF=0; shift ;;
        --no-harness) DO_HARNESS=0; shift ;;
        --no-doc) DO_DOC=0; shift ;;
        --doc) DOC="$2"; shift 2 ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

log() { echo "run.sh: $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$OUT"
FILE="$OUT/inventory-$SERVERS-$VMS-$DISKS-seed$SEED.json"
REPORT="$OUT/report.md"
: >"$REPORT"
report() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# --- Java ---------------------------------------------------------------------------------

if [[ -z "${JAVA_HOME:-}" ]]; then
    for c in /usr/lib/jvm/*17*; do
        [[ -x "$c/bin/jcmd" ]] && { export JAVA_HOME="$c"; break; }
    done
fi
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jcmd" ]] || die "needs a JDK 17 with jcmd; set JAVA_HOME"
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"

# --- statistics ---------------------------------------------------------------------------

# now: seconds since the epoch with nanoseconds
now() { date +%s.%N; }
# median A B C ...
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN {d=a-b; if (d<0) d=0; printf "%.3f", d}'; }
verdict() { # verdict VALUE TARGET -> met / MISSED
    awk -v v="$1" -v t="$2" 'BEGIN {print (v+0 <= t+0) ? "met" : "**missed**"}'
}

# --- the inventory file -------------------------------------------------------------------

if [[ -s "$FILE" ]]; then
    log "reusing $FILE"
else
    log "generating $FILE"
    python3 "$HERE/generate.py" --servers "$SERVERS" --vms "$VMS" --disks "$DISKS" --seed "$SEED" --out "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi
FILE_MIB=$(($(stat -c %s "$FILE") / 1048576))

MACHINE="$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
MACHINE+=" $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr),"
MACHINE+=" $("$JAVA" -version 2>&1 | head -n 2 | tail -n 1)"
DATE="$(date -u +%Y-%m-%dT%H:%MZ)"

report "#### Run of $DATE"
report ""
report "- command: \`$COMMAND_LINE\` (generated file: $SERVERS servers, $VMS VMs, $DISKS disks, seed $SEED, $FILE_MIB MiB)"
report "- machine: $MACHINE"
report "- load average at start (other work on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
report "- commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [[ -n "$(git status --porcelain --untracked-files=no -- . ':!bench' ':!docs' 2>/dev/null)" ]] && echo ' + uncommitted changes')"
report ""

# --- Karaf, through the shell -------------------------------------------------------------

RUN_DIR="$OUT/run"
export FERRY_RUN_DIR="$RUN_DIR"
KARAF_PID=""

ferry() { "$ROOT/ferry" "$@"; }

stop_karaf() {
    if [[ -x "$RUN_DIR/bin/karaf" ]]; then
        ferry stop >&2 || true
    fi
}

install_fresh() {
    local zips=("$ROOT"/karaf-distribution/target/karaf-distribution-*.zip)
    [[ -f "${zips[0]}" ]] || die "no distribution zip in karaf-distribution/target; build it: ./mvnw -B -DskipTests install"
    stop_karaf
    rm -rf "$RUN_DIR"
    local tmp
    tmp="$(mktemp -d "$OUT/.unpack.XXXXXX")"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "${zips[0]}" "$tmp"
    mv "$tmp"/*/ "$RUN_DIR"
    rmdir "$tmp"
    chmod +x "$RUN_DIR"/bin/*
    touch "$RUN_DIR/.ferry-unpacked"
    # the generated file and the exports are in $OUT: allow it for import and export
    printf 'transfer.roots = ${karaf.data}/ferry/transfer, %s\n' "$OUT" >>"$RUN_DIR/etc/io.ferry.paths.cfg"
    # own ports, so that another Ferry on this machine (8101, 1099, 44444) is not disturbed
    sed -i "s/^\([[:space:]]*sshPort[[:space:]]*=\).*/\1 $SSH_PORT/" "$RUN_DIR/etc/org.apache.karaf.shell.cfg"
    if [[ -f "$RUN_DIR/etc/org.apache.karaf.management.cfg" ]]; then
        sed -i -e "s/^\([[:space:]]*rmiRegistryPort[[:space:]]*=\).*/\1 $((SSH_PORT + 1000))/" \
            -e "s/^\([[:space:]]*rmiServerPort[[:space:]]*=\).*/\1 $((SSH_PORT + 36000))/" \
            "$RUN_DIR/etc/org.apache.karaf.management.cfg"
    fi
}

# run_cmd NAME 'shell command': runs it once through ./ferry client, prints the wall seconds;
# output in $OUT/NAME.out, Karaf's CPU seconds for it appended to $OUT/NAME.cpu. Fails if the command failed.
run_cmd() {
    local name="$1" cmd="$2" t0 t1 c0
    c0=$(cpu_seconds)
    t0=$(now)
    if ! ferry client "$cmd" </dev/null >"$OUT/$name.out" 2>&1; then
        log "'$cmd' failed:"; tail -n 20 "$OUT/$name.out" >&2
        return 1
    fi
    t1=$(now)
    sub "$(cpu_seconds)" "$c0" >>"$OUT/$name.cpu"
    echo >>"$OUT/$name.cpu"
    # not timed: what came back (large outputs through bin/client have been seen cut short)
    local bytes
    bytes=$(stat -c %s "$OUT/$name.out")
    if [[ "$name" == *json* ]] && ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$OUT/$name.out" 2>/dev/null; then
        bytes+=" (TRUNCATED: not valid JSON)"
    fi
    echo "$bytes" >>"$OUT/$name.bytes"
    if grep -q '^Error executing command' "$OUT/$name.out"; then
        log "'$cmd' failed:"; tail -n 20 "$OUT/$name.out" >&2
        return 1
    fi
    sub "$t1" "$t0"
}

# time3 NAME 'shell command': three runs, each right after a run of the trivial command
# 'shell:echo x' (client JVM start-up + SSH login + a no-op); sets RUNS (wall s), MEDIAN,
# NET (median of command minus the echo just before it) and NET_CPU (the same for Karaf's CPU s).
time3() {
    local i wall echo_wall walls=() nets=() net_cpus=() cpu echo_cpu
    rm -f "$OUT/$1.cpu" "$OUT/echo-$1.cpu" "$OUT/$1.bytes"
    for i in 1 2 3; do
        echo_wall=$(run_cmd "echo-$1" 'shell:echo x') || return 1
        wall=$(run_cmd "$1" "$2") || return 1
        echo_cpu=$(sed -n "${i}p" "$OUT/echo-$1.cpu")
        cpu=$(sed -n "${i}p" "$OUT/$1.cpu")
        walls+=("$wall"); nets+=("$(sub "$wall" "$echo_wall")")
        net_cpus+=("$(sub "$cpu" "$echo_cpu")")
    done
    RUNS="$(IFS=,; echo "${walls[*]}" | sed 's/,/, /g')"
    MEDIAN=$(median "${walls[@]}")
    NET=$(median "${nets[@]}")
    NET_CPU=$(median "${net_cpus[@]}")
    # every run must have returned the same complete output
    if [[ $(sort -u "$OUT/$1.bytes" | wc -l) -ne 1 ]] || grep -q TRUNCATED "$OUT/$1.bytes"; then
        OUTPUT_NOTE="⚠ output bytes per run: $(paste -sd/ "$OUT/$1.bytes")"
        log "$2: output differs between runs: $(paste -sd' ' "$OUT/$1.bytes")"
    else
        OUTPUT_NOTE="$(head -n 1 "$OUT/$1.bytes") bytes"
    fi
}

# heap_after_gc: MiB of heap used right after a full GC of the Karaf JVM (G1, parallel or serial)
heap_after_gc() {
    "$JCMD" "$KARAF_PID" GC.run >/dev/null
    "$JCMD" "$KARAF_PID" GC.heap_info | awk '/heap|generation|PSYoungGen|ParOldGen/ {
        for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); kib += v } }
        END { printf "%d", kib / 1024 }'
}

# cpu_seconds: user+system CPU seconds the Karaf JVM has used so far
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$KARAF_PID/stat"; }

rss_mib() { awk -v k="$1" '$1==k":" {printf "%d", $2/1024}' "/proc/$KARAF_PID/status"; }

# Heap sampling by phase: jstat -gc every second. Columns S0C S1C S0U S1U EC EU OC OU ... GCT
# (KiB); used = S0U+S1U+EU+OU, committed = S0C+S1C+EC+OC.
SAMPLER=""
sampler_start() {
    "$JAVA_HOME/bin/jstat" -gc "$KARAF_PID" 1000 >"$OUT/jstat-${1// /}.txt" 2>&1 &
    SAMPLER=$!
}
# sampler_stop NAME: stops the sampler, adds a row for the phase to MEMORY_ROWS
MEMORY_ROWS=()
sampler_stop() {
    kill "$SAMPLER" 2>/dev/null || true
    wait "$SAMPLER" 2>/dev/null || true
    local stats
    stats=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {
            u = ($3 + $4 + $6 + $8) / 1024; c = ($1 + $2 + $5 + $7) / 1024
            if (u > mu) mu = u; if (c > mc) mc = c
            if (first == "") first = $NF; last = $NF }
        END {printf "%d MiB | %d MiB | %.1f s", mu, mc, last - first}' "$OUT/jstat-${1// /}.txt")
    MEMORY_ROWS+=("| $1 | $stats | $(rss_mib VmHWM) MiB |")
}

karaf_bench() {
    log "installing a fresh Ferry in $RUN_DIR (SSH port $SSH_PORT)"
    install_fresh
    local t0 t1
    t0=$(now)
    FERRY_HEAP="${MAX_HEAP:-${FERRY_HEAP:-}}" ferry start >"$OUT/start.out" 2>&1 ||
        { cat "$OUT/start.out" >&2; die "ferry start failed"; }
    t1=$(now)
    KARAF_PID="$(cat "$RUN_DIR/karaf.pid")"
    local xmx_flag
    xmx_flag="$(tr '\0' '\n' <"/proc/$KARAF_PID/cmdline" | grep -- '^-Xmx' | tail -n 1 || true)"
    [[ -n "$xmx_flag" ]] && xmx_flag+=" from FERRY_HEAP${MAX_HEAP:+ (--max-heap)}"
    local max_heap
    max_heap=$("$JCMD" "$KARAF_PID" VM.flags | tr ' ' '\n' | sed -n 's/^-XX:MaxHeapSize=//p' | awk '{printf "%d", $1/1048576}')
    log "Karaf pid $KARAF_PID, max heap $max_heap MiB, started in $(sub "$t1" "$t0") s"
    local heap_empty
    heap_empty=$(heap_after_gc)

    rm -f "$OUT"/*.cpu
    log "ferry:inventory-import --dry-run"
    local dry echo_dry
    echo_dry=$(run_cmd echo-dry-run 'shell:echo x')
    sampler_start "import --dry-run"
    dry=$(run_cmd import-dry-run "ferry:inventory-import --dry-run $FILE")
    sampler_stop "import --dry-run"
    log "ferry:inventory-import (sampling the heap every second)"
    local imp cpu0 cpu_import load_import echo_before
    echo_before=$(run_cmd echo-import 'shell:echo x')
    sampler_start import
    cpu0=$(cpu_seconds)
    imp=$(run_cmd import "ferry:inventory-import $FILE") || { kill "$SAMPLER"; die "import failed"; }
    cpu_import=$(sub "$(cpu_seconds)" "$cpu0")
    load_import=$(cut -d' ' -f1-3 /proc/loadavg)
    sampler_stop import
    local heap_loaded
    heap_loaded=$(heap_after_gc)
    local h2_mib
    h2_mib=$(du -sm "$RUN_DIR/data/ferry" | cut -f1)
    local names backup host
    names=$(python3 - "$FILE" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
print(next(s["name"] for s in inv["servers"] if any(r["type"] == "BACKUP_SERVER" for r in s["roles"])),
      inv["vms"][0]["host"])
PY
)
    read -r backup host <<<"$names"

    log "listings (3 runs each)"
    sampler_start listings
    local rows=()
    local name cmd target
    while IFS='|' read -r name cmd target; do
        time3 "$name" "$cmd" || die "$cmd failed"
        local lines
        lines=$(wc -l <"$OUT/$name.out")
        rows+=("| \`$cmd\` | $MEDIAN | $RUNS | **$NET** | $NET_CPU | $lines lines, $OUTPUT_NOTE | ${target:+$target s: $(verdict "$NET" "$target")} |")
    done <<EOF
server-show|ferry:server-show $backup|
server-list|ferry:server-list|1
server-list-json|ferry:server-list --json|1
host-list|ferry:host-list|
vm-list-limit|ferry:vm-list --limit 100|
vm-list-host|ferry:vm-list --host $host|
vm-list|ferry:vm-list|
vm-list-json|ferry:vm-list --json|
EOF
    sampler_stop listings
    local heap_listed rss_now
    heap_listed=$(heap_after_gc)
    log "ferry:inventory-export (3 runs)"
    sampler_start export
    time3 export "ferry:inventory-export $OUT/export.json"
    sampler_stop export
    local export_median="$MEDIAN" export_runs="$RUNS" export_net="$NET" export_cpu="$NET_CPU" export_mib
    export_mib=$(($(stat -c %s "$OUT/export.json") / 1048576))
    local heap_end rss_peak
    heap_end=$(heap_after_gc)
    rss_now=$(rss_mib VmRSS)
    rss_peak=$(rss_mib VmHWM)
    ferry stop >&2

    report "##### Karaf (./ferry, embedded H2, through \`bin/client\`)"
    report ""
    report "Each shell time is the wall time of \`./ferry client '<cmd>'\`. **net** is the median of (command minus"
    report "a \`shell:echo x\` run just before it), i.e. without the client JVM start-up and SSH login (~$echo_before s);"
    report "Karaf CPU is the CPU time the Karaf JVM spent (all threads), minus the same for the echo run."
    report ""
    report "| measure | wall s | runs | net s | target |"
    report "|---|---|---|---|---|"
    report "| \`ferry:inventory-import --dry-run <file>\` (n=1) | $dry | | $(sub "$dry" "$echo_dry") | |"
    report "| \`ferry:inventory-import <file>\` (n=1, empty inventory before; Karaf CPU $cpu_import s, load after $load_import) | $imp | | **$(sub "$imp" "$echo_before")** | 60 s: $(verdict "$(sub "$imp" "$echo_before")" 60) |"
    report "| \`ferry:inventory-export <file>\` ($export_mib MiB; Karaf CPU $export_cpu s) | $export_median | $export_runs | $export_net | |"
    report ""
    report "| command | wall s (median of 3) | runs | net s | net Karaf CPU s | output (last run; bytes of all runs if they differ) | target |"
    report "|---|---|---|---|---|---|---|"
    for r in "${rows[@]}"; do report "$r"; done
    report ""
    local heap_origin="${xmx_flag:-no -Xmx: JVM default}"
    report "| Karaf JVM memory (max heap $max_heap MiB: $heap_origin) | MiB | target |"
    report "|---|---|---|"
    report "| heap used after full GC, empty inventory | $heap_empty | |"
    report "| heap used after full GC, inventory imported | $heap_loaded | 512: $(verdict "$heap_loaded" 512) |"
    report "| heap used after full GC, after the listings | $heap_listed | 512: $(verdict "$heap_listed" 512) |"
    report "| heap used after full GC, after the exports | $heap_end | 512: $(verdict "$heap_end" 512) |"
    report "| RSS at the end / peak RSS (VmHWM) | $rss_now / $rss_peak | |"
    report "| H2 database directory after import | $h2_mib | |"
    report ""
    report "| phase (jstat -gc every 1 s) | peak heap used (before GC) | peak heap committed | GC time | peak RSS so far |"
    report "|---|---|---|---|---|"
    for r in "${MEMORY_ROWS[@]}"; do report "$r"; done
    report ""
}

# --- service level, without Karaf ---------------------------------------------------------

harness_bench() {
    local m2="${MAVEN_REPO:-$HOME/.m2/repository}"
    prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1; }
    bundle_jar() { # bundle_jar NAME: the bundle's jar in its target/ (not -sources)
        local j
        for j in "$ROOT/bundles/$1/target/$1"-*.jar; do
            [[ "$j" == *-sources.jar ]] || { echo "$j"; return; }
        done
    }
    local cp
    cp="$(bundle_jar io.ferry.api):$(bundle_jar io.ferry.inventory)"
    cp+=":$m2/com/h2database/h2/$(prop h2.version)/h2-$(prop h2.version).jar"
    cp+=":$m2/com/fasterxml/jackson/core/jackson-core/$(prop jackson.version)/jackson-core-$(prop jackson.version).jar"
    cp+=":$m2/org/osgi/org.osgi.service.jdbc/$(prop osgi.jdbc.version)/org.osgi.service.jdbc-$(prop osgi.jdbc.version).jar"
    cp+=":$m2/org/slf4j/slf4j-api/$(prop slf4j.version)/slf4j-api-$(prop slf4j.version).jar"
    cp+=":$m2/org/slf4j/slf4j-simple/$(prop slf4j.version)/slf4j-simple-$(prop slf4j.version).jar"
    local j
    for j in ${cp//:/ }; do
        [[ -f "$j" ]] || die "harness: $j is missing; build first: ./mvnw -B -o -DskipTests install"
    done
    log "service-level harness (java -Xmx512m ImportHarness.java)"
    local rc=0
    "$JAVA" -Xmx512m -cp "$cp" "$HERE/ImportHarness.java" "$FILE" --work "$OUT/harness" \
        >"$OUT/harness.md" 2>"$OUT/harness.log" || rc=$?
    ((rc == 0)) || { tail -n 30 "$OUT/harness.log" >&2; die "harness failed"; }
    report "##### Service level (\`ImportHarness.java\`, same code, no Karaf/shell, \`-Xmx512m\`, median of 3 where runs are shown)"
    report ""
    cat "$OUT/harness.md" | tee -a "$REPORT"
    report ""
}

trap 'stop_karaf' EXIT
((DO_KARAF)) && karaf_bench
trap - EXIT
((DO_HARNESS)) && harness_bench

# --- docs/benchmarks.md -------------------------------------------------------------------

if ((DO_DOC)); then
    python3 - "$DOC" "$REPORT" <<'PY'
import sys, pathlib
doc, report = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()
begin, end = "<!-- bench/inventory: begin (run.sh replaces this section) -->", "<!-- bench/inventory: end -->"
text = doc.read_text() if doc.exists() else "# Benchmarks\n"
block = f"{begin}\n{report.rstrip()}\n{end}"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
doc.write_text(text)
PY
    log "updated $DOC"
fi
