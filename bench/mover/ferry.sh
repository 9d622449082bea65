#!/usr/bin/env bash
#
# Ferry's data mover on the benchmark images, through bench/mover/MoverHarness.java (plain
# JVM, the bundles' classes constructed directly, no Karaf):
#   full os.raw (cold), incremental os-day2.raw (cold; parent = that full; same path trick
#   as the peers), incremental with the dirty bitmap (qemu-nbd export of os-day2.qcow2 with
#   -B day2, into a copy of the repository as it was after the full, so its parent is the
#   full of os.raw, same disk key), restore of the day-2 backup + sync (cold; sparse target;
#   sha256 and allocation checked), restore of the bitmap backup (checked the same way),
#   full random.raw, full zero.raw and its restore + sync; then, with -Xmx256m, a full
#   os.raw into a new repository and the day-2 restore again.
#
#   With --warm-path also, with the JVM and the repository already open (MoverHarness session,
#   "ferry-warm" rows: the product path without Karaf, warmed by a file backup only): the bitmap
#   and the dedupe incremental of os-day2. karaf.sh measures the product path itself.
#
#   bench/mover/ferry.sh [--no-xmx256] [--warm-path] [--keep]
#
# Environment: JAVA_HOME (default: java on PATH), FERRY_BENCH_THREADS (DataMoverImpl
# threads, default nproc), FERRY_BENCH_JVM_OPTS (extra JVM options for every run).
# Needs bundles/io.ferry.{api,repository,mover}/target/*.jar with the implementation
# classes (FERRY_BENCH_FERRY_CP=API:REPOSITORY:MOVER, jars or class directories, overrides
# them), and jna 5.19.1, lz4-java 1.14.0 and slf4j 1.7.36 in the local Maven repository.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

XMX256=1 KEEP=0 WARM_PATH=0
while (($#)); do
    case "$1" in
        --no-xmx256) XMX256=0; shift ;;
        --warm-path) WARM_PATH=1; shift ;;
        --no-warm-path) WARM_PATH=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
need_tools python3:python3 qemu-nbd:qemu-utils /usr/bin/time:time
for f in os.raw os-day2.raw random.raw zero.raw os-day2.qcow2; do
    [[ -f "$IMG/$f" ]] || die "no $IMG/$f: run bench/mover/make-images.sh first"
done

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
if ! command -v "$JAVA" >/dev/null || ! command -v "$JAVAC" >/dev/null; then
    die "needs a JDK 17+ (java and javac): set JAVA_HOME or apt-get install openjdk-17-jdk-headless"
fi
read -r -a JVM_OPTS <<<"${FERRY_BENCH_JVM_OPTS:-}"

# --- class path ----------------------------------------------------------------------------
M2="${FERRY_BENCH_M2:-$HOME/.m2/repository}"
bundle_jar() {
    local j found=""
    for j in "$ROOT/bundles/$1/target/$1"-*.jar; do
        case "$j" in
            *-sources.jar | *-javadoc.jar | *-tests.jar) ;;
            *) [[ -f "$j" ]] && found="$j" && break ;;
        esac
    done
    j="$found"
    [[ -n "$j" ]] || die "no $1 jar in bundles/$1/target: build it (./mvnw -o -q -B install -DskipTests -pl bundles/io.ferry.api,bundles/io.ferry.repository,bundles/io.ferry.mover)"
    echo "$j"
}
m2_jar() {
    local j="$M2/$1"
    [[ -f "$j" ]] || die "missing $j (run a Maven build of the reactor once, online, to fetch it)"
    echo "$j"
}
if [[ -n "${FERRY_BENCH_FERRY_CP:-}" ]]; then
    # jars or class directories instead of the built jars (API first), e.g. target/classes
    IFS=':' read -r API_JAR REPO_JAR MOVER_JAR <<<"$FERRY_BENCH_FERRY_CP"
    [[ -e "$API_JAR" && -e "$REPO_JAR" && -e "$MOVER_JAR" ]] || die "FERRY_BENCH_FERRY_CP needs API:REPOSITORY:MOVER"
else
    API_JAR="$(bundle_jar io.ferry.api)"
    REPO_JAR="$(bundle_jar io.ferry.repository)"
    MOVER_JAR="$(bundle_jar io.ferry.mover)"
fi
# has_class JAR_OR_DIR CLASSFILE
has_class() {
    if [[ -d "$1" ]]; then
        [[ -f "$1/$2" ]]
    else
        python3 -c 'import sys, zipfile; sys.exit(0 if sys.argv[2] in zipfile.ZipFile(sys.argv[1]).namelist() else 1)' "$1" "$2"
    fi
}
for spec in "$REPO_JAR:io/ferry/repository/internal/RepositoryServiceImpl.class" \
    "$MOVER_JAR:io/ferry/mover/internal/DataMoverImpl.class" \
    "$MOVER_JAR:io/ferry/mover/internal/source/DiskSourcesImpl.class"; do
    has_class "${spec%%:*}" "${spec#*:}" ||
        die "${spec%%:*} has no ${spec#*:} yet: build the bundle with its implementation first"
done
HARNESS="$WORK/ferry-harness"
rm -rf "$HARNESS"
mkdir -p "$HARNESS"
"$JAVAC" -nowarn -d "$HARNESS" -cp "$API_JAR" "$BENCH_DIR/MoverHarness.java" ||
    die "MoverHarness.java does not compile against $API_JAR"
CP="$HARNESS:$API_JAR:$REPO_JAR:$MOVER_JAR"
CP+=":$(m2_jar net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar)"
CP+=":$(m2_jar at/yawk/lz4/lz4-java/1.14.0/lz4-java-1.14.0.jar)"
CP+=":$(m2_jar org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar)"
CP+=":$(m2_jar org/slf4j/slf4j-simple/1.7.36/slf4j-simple-1.7.36.jar)"
export FERRY_REPOSITORY_PASSWORD="$BENCH_PASSWORD"
log "$("$JAVA" -version 2>&1 | head -n 1), mover threads $MOVER_THREADS (0 = default)${JVM_OPTS[*]:+, JVM options ${JVM_OPTS[*]}}"

# harness [JVM_OPTION...] -- ARGS...: the command line of one harness run, in CMD
harness() {
    local jvm=()
    while [[ "$1" != -- ]]; do jvm+=("$1"); shift; done
    shift
    CMD=("$JAVA" "${JVM_OPTS[@]}" "${jvm[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP"
        MoverHarness "$@")
}
# summary: the harness's JSON line of the last timed run
summary() { grep -h '^{' "$LOGS/$ROW_NAME.out" | tail -n 1; }

init_repo() { # REPO
    harness -- init "$1"
    "${CMD[@]}" >"$LOGS/ferry.init.log" 2>&1 || die "MoverHarness init $1 failed: $(grep -m 1 -v '^{' "$LOGS/ferry.init.log")"
}

backup_row() { # TOOL REPO SOURCE OP IMAGE [HARNESS OPTIONS...] (JVM options in XOPTS)
    local tool="$1" repo="$2" source="$3" op="$4" image="$5" json
    shift 5
    harness "${XOPTS[@]}" -- backup "$repo" "$source" --threads "$MOVER_THREADS" "$@"
    timed ferry "$tool" "$op" "$image" "$repo" "${CMD[@]}"
    json="$(summary)"
    finish_row "$(rc_result)" "$json"
}

restore_row() { # TOOL REPO WHICH OP IMAGE (JVM options in XOPTS)
    local tool="$1" repo="$2" which="$3" op="$4" image="$5" target="$W/restore/disk.raw"
    rm -rf "$W/restore"
    mkdir -p "$W/restore"
    harness "${XOPTS[@]}" -- restore "$repo" "$which" "$target" --threads "$MOVER_THREADS"
    CMD=(bash -c '"$@" && sync' _ "${CMD[@]}")
    timed ferry "$tool" "$op" "$image" "$repo" "${CMD[@]}"
    restore_result "$target" "$image"
    finish_row "$R_RESULT" "$R_DETAIL; $(summary)"
    rm -rf "$W/restore"
}

trap stop_nbd EXIT

W="$WORK/ferry"
rm -rf "$W"
mkdir -p "$W/src" "$LOGS"
SRC="$W/src/disk.raw"
DISK=bench/os
XOPTS=()

# full, then dedupe incremental (same path, new inode), in one repository
init_repo "$W/repo-os"
ln -f "$IMG/os.raw" "$SRC"
backup_row ferry "$W/repo-os" "$SRC" full os.raw --disk "$DISK"
# the bitmap chain starts from the repository exactly as the full left it
cp -a "$W/repo-os" "$W/repo-cbt"
if ((WARM_PATH)); then cp -a "$W/repo-os" "$W/repo-warm-cbt" && cp -a "$W/repo-os" "$W/repo-warm-dedupe"; fi
ln -f "$IMG/os-day2.raw" "$SRC"
backup_row ferry "$W/repo-os" "$SRC" incr os-day2.raw --disk "$DISK"

# incremental with the dirty bitmap: qemu-nbd serves os-day2.qcow2 read-only with bitmap day2
sock="$W/nbd.sock"
start_nbd "$sock"
backup_row ferry "$W/repo-cbt" "nbd+unix:///os?socket=$sock" incr-bitmap os-day2.qcow2 --disk "$DISK" --bitmap day2
stop_nbd

# the product path without Karaf: one JVM with the repository open (as in a running proxy),
# warmed by one backup of os.raw (dedupe: nothing new), page cache dropped, then the
# incremental; rows "ferry-warm" carry the time and process CPU of that step alone
session_rows() { # REPO OP IMAGE SOURCE [HARNESS OPTIONS...]
    local repo="$1" op="$2" image="$3" source="$4" out json ms cpu
    shift 4
    out="$LOGS/ferry-warm.$op.$image.out"
    log "ferry-warm: $op $image (JVM and repository open, warmed by a backup of os.raw, cache dropped)"
    harness -- session "$repo" --threads "$MOVER_THREADS"
    printf '%s\n' "backup $IMG/os.raw --disk $DISK" drop-caches "backup $source --disk $DISK $*" |
        "${CMD[@]}" >"$out" 2>"$LOGS/ferry-warm.$op.$image.err" || true
    json="$(grep -h '"step":3,' "$out" | tail -n 1 || true)"
    if [[ -z "$json" ]]; then
        record ferry ferry-warm "$op" "$image" cold - - - - "$(du_mib "$repo")" $(($(logical_bytes "$image") >> 20)) \
            "FAILED (log $LOGS/ferry-warm.$op.$image.err)" ""
        return
    fi
    ms="$(sed -E 's/.*"step_ms":([0-9]+).*/\1/' <<<"$json")"
    cpu="$(sed -E 's/.*"cpu_ms":([0-9]+).*/\1/' <<<"$json")"
    local wall cpus
    wall="$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    cpus="$(awk -v m="$cpu" 'BEGIN { printf "%.2f", m / 1000 }')"
    record ferry ferry-warm "$op" "$image" cold "$wall" "$(mbps "$(logical_bytes "$image")" "$wall")" "$cpus" - \
        "$(du_mib "$repo")" $(($(logical_bytes "$image") >> 20)) ok "$json"
}
if ((WARM_PATH)); then
    start_nbd "$sock"
    session_rows "$W/repo-warm-cbt" incr-bitmap os-day2.qcow2 "nbd+unix:///os?socket=$sock" --bitmap day2
    stop_nbd
    session_rows "$W/repo-warm-dedupe" incr os-day2.raw "$IMG/os-day2.raw"
    rm -rf "$W/repo-warm-cbt" "$W/repo-warm-dedupe"
fi

restore_row ferry "$W/repo-os" "latest:$DISK" restore+sync os-day2.raw
restore_row ferry "$W/repo-cbt" "latest:$DISK" restore+sync os-day2.qcow2

init_repo "$W/repo-random"
ln -f "$IMG/random.raw" "$SRC"
backup_row ferry "$W/repo-random" "$SRC" full random.raw --disk bench/random

init_repo "$W/repo-zero"
ln -f "$IMG/zero.raw" "$SRC"
backup_row ferry "$W/repo-zero" "$SRC" full zero.raw --disk bench/zero
restore_row ferry "$W/repo-zero" latest:bench/zero restore+sync zero.raw

if ((XMX256)); then
    XOPTS=(-Xmx256m)
    init_repo "$W/repo-xmx"
    ln -f "$IMG/os.raw" "$SRC"
    backup_row ferry-xmx256m "$W/repo-xmx" "$SRC" full os.raw --disk "$DISK"
    restore_row ferry-xmx256m "$W/repo-os" "latest:$DISK" restore+sync os-day2.raw
    XOPTS=()
fi

rm -f "$SRC"
if ((!KEEP)); then rm -rf "$W"; fi
