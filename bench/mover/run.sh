#!/usr/bin/env bash
#
# The data-mover benchmark in one run: Ferry side by side with restic and borg on the same
# images, in the same invocation, on the same box.
#
#   bench/mover/run.sh [--tools ferry,ferry-karaf,restic,borg-buzhash,borg-fixed] [--no-limits] [--warm]
#                      [--size-mib N] [--no-image-check] [--no-xmx256] [--warm-path] [--keep] [--results DIR]
#
#   1. images: bench/mover/make-images.sh (reused when present and their sha256 match)
#   2. box limits: bench/mover/limits.sh
#   3. ferry (bench/mover/ferry.sh), then restic, borg-buzhash, borg-fixed (bench/mover/peers.sh):
#      full os.raw, incremental os-day2.raw, restore + sync, random.raw, zero.raw (+ restore);
#      ferry also: incremental with the dirty bitmap, and a -Xmx256m variant;
#      ferry-karaf (bench/mover/karaf.sh): the same operations through a running Ferry (Karaf,
#      JVM warm, job repositories open), the product path; needs the built distribution
#   4. results: bench/mover/results/<timestamp>.tsv (every run), <timestamp>.md and latest.md
#      (targets of the issue with ratios to the peers, all runs, box limits)
#
# --warm keeps the page cache (no drop_caches; rows say "warm"); cold runs need root.
# --size-mib 256 with another FERRY_BENCH_DATA makes a quick dry run on small images.
# --results DIR writes the results elsewhere (e.g. for dry runs). Data (images, repositories,
# logs) lives in FERRY_BENCH_DATA (default /var/tmp/ferry-bench), outside git.
# Duration at full size on 2 cores: ~10 min, plus ~3 min the first time for the images.
# Run it on an otherwise idle machine: other work skews every figure.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS="ferry,ferry-karaf,restic,borg-buzhash,borg-fixed"
LIMITS=1 KEEP=0 XMX=1 WARM=0
IMAGE_ARGS=()
RESULTS="$BENCH_DIR/results"
COMMAND_LINE="bench/mover/run.sh${*:+ $*}"
while (($#)); do
    case "$1" in
        --tools) TOOLS="$2"; shift 2 ;;
        --no-limits) LIMITS=0; shift ;;
        --warm) export FERRY_BENCH_COLD=0 && COLD=0; shift ;;
        --size-mib) IMAGE_ARGS+=(--size-mib "$2"); shift 2 ;;
        --no-image-check) IMAGE_ARGS+=(--no-verify); shift ;;
        --no-xmx256) XMX=0; shift ;;
        --warm-path) WARM=1; shift ;;
        --no-warm-path) WARM=0; shift ;; # the default since ferry-karaf measures the product path
        --keep) KEEP=1; shift ;;
        --results) RESULTS="$2"; shift 2 ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

# --- prerequisites -------------------------------------------------------------------------
IFS=',' read -r -a tool_list <<<"$TOOLS"
peers=()
ferry=0 karaf=0
for t in "${tool_list[@]}"; do
    case "$t" in
        ferry) ferry=1 ;;
        ferry-karaf) karaf=1 ;;
        restic | borg-buzhash | borg-fixed) peers+=("$t") ;;
        *) die "unknown tool '$t' (ferry, ferry-karaf, restic, borg-buzhash, borg-fixed)" ;;
    esac
done
need_tools restic:restic borg:borgbackup qemu-img:qemu-utils qemu-io:qemu-utils qemu-nbd:qemu-utils \
    /usr/bin/time:time mke2fs:e2fsprogs debugfs:e2fsprogs e2fsck:e2fsprogs nbdinfo:libnbd-bin \
    lz4:lz4 openssl:openssl python3:python3
if ((ferry)); then
    command -v "${JAVA_HOME:+$JAVA_HOME/bin/}javac" >/dev/null ||
        die "missing javac: set JAVA_HOME to a JDK 17+ or apt-get install openjdk-17-jdk-headless"
fi
if [[ "$COLD" == 1 && ! -w /proc/sys/vm/drop_caches ]]; then
    log "cannot drop the page cache (not root): every run will be warm; run as root for cold runs, or pass --warm"
fi
load="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${load%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    log "load average is $load: other work on this box will skew the figures"
fi

# --- images --------------------------------------------------------------------------------
"$BENCH_DIR/make-images.sh" "${IMAGE_ARGS[@]}"
image_mib=$(($(size_bytes "$IMG/os.raw") >> 20))
avail_mib="$(df -Pm "$DATA" | awk 'NR == 2 { print $4 }')"
((avail_mib > image_mib * 3)) ||
    die "$avail_mib MiB free under $DATA; the repositories and restores need about $((image_mib * 3)) MiB"

# --- results file --------------------------------------------------------------------------
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS" "$LOGS"
export FERRY_BENCH_TSV="$RESULTS/$stamp.tsv"
TSV="$FERRY_BENCH_TSV"
started="$(now)"
{
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# command: $COMMAND_LINE"
    echo "# box: $(hostname), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
    echo "# load average at start: $load"
    echo "# page cache: $(if [[ "$COLD" == 1 && -w /proc/sys/vm/drop_caches ]]; then echo "dropped before each cold run"; else echo "kept (warm)"; fi)"
    echo "# threads: $THREADS (Ferry DataMoverImpl, restic GOMAXPROCS; borg is single-threaded)"
    echo "# java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n 1)"
    echo "# restic: $(restic version | cut -d' ' -f1-2)"
    echo "# borg: $(borg --version)"
    echo "# qemu-img: $(qemu-img --version | head -n 1)"
    echo "# ferry tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" status --porcelain -- bundles 2>/dev/null | grep -q . && echo " (bundles modified)")"
    echo "# image size MiB: $image_mib"
    echo "# images: $(cat "$IMG/images.conf"); $(awk '{ printf "%s %s…; ", $2, substr($1, 1, 12) }' "$IMG/images.sha256")"
    echo "# image facts: $(grep -e '^dirty bitmap' "$IMG/info.txt" | head -n 1)"
    grep '^chunks:' "$IMG/info.txt" | sed 's/^chunks: /# chunks: /'
    printf '%s\n' "$TSV_HEADER"
} >"$TSV"
log "results: $TSV"

# --- runs ----------------------------------------------------------------------------------
# record_skip SUITE TOOL REASON: a row saying that part of the run did not complete
record_skip() { record "$1" "$2" "not completed" - - - - - - - - "FAILED: $3" ""; }

if ((LIMITS)); then
    "$BENCH_DIR/limits.sh" || record_skip limits limits "limits.sh exit $?"
fi
keep=()
((KEEP)) && keep=(--keep)
if ((ferry)); then
    xmx=()
    ((XMX)) || xmx=(--no-xmx256)
    ((WARM)) && xmx+=(--warm-path)
    if ! "$BENCH_DIR/ferry.sh" "${xmx[@]}" "${keep[@]}" 2>&1 | tee "$LOGS/run.ferry.log" >&2; then
        record_skip ferry ferry "$(grep -v '^ferry ' "$LOGS/run.ferry.log" | tail -n 1)"
    fi
fi
if ((karaf)); then
    if ! "$BENCH_DIR/karaf.sh" "${keep[@]}" 2>&1 | tee "$LOGS/run.ferry-karaf.log" >&2; then
        record_skip ferry ferry-karaf "$(grep -v '^ferry ' "$LOGS/run.ferry-karaf.log" | tail -n 1)"
    fi
fi
for t in "${peers[@]}"; do
    if ! "$BENCH_DIR/peers.sh" --tools "$t" "${keep[@]}" 2>&1 | tee "$LOGS/run.$t.log" >&2; then
        record_skip peers "$t" "$(tail -n 1 "$LOGS/run.$t.log")"
    fi
done

# --- report --------------------------------------------------------------------------------
sed -i "1a # duration: $(calc "$(now) - $started") s" "$TSV"
python3 "$BENCH_DIR/report.py" "$TSV" >"$RESULTS/$stamp.md"
cp "$RESULTS/$stamp.md" "$RESULTS/latest.md"
log "wrote $TSV, $RESULTS/$stamp.md and $RESULTS/latest.md"
awk '/^## Targets/ { on = 1 } /^## All runs/ { on = 0 } on' "$RESULTS/latest.md"
