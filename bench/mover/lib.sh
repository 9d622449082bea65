# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
#
# Shared by the bench/mover scripts (sourced, not run). Sets the paths, checks tools, times
# commands with GNU time and appends result rows to the TSV file.
#
# Environment:
#   FERRY_BENCH_DATA   data directory (default /var/tmp/ferry-bench): images/, work/, logs/
#   FERRY_BENCH_TSV    results file the rows are appended to (run.sh sets it; default
#                      $FERRY_BENCH_DATA/results.tsv)
#   FERRY_BENCH_COLD   1 (default): drop the page cache before every "cold" run (needs root);
#                      0: never drop it (rows are then labelled "warm")

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/../.." && pwd)"
DATA="${FERRY_BENCH_DATA:-/var/tmp/ferry-bench}"
IMG="$DATA/images"
WORK="$DATA/work"
LOGS="$DATA/logs"
TSV="${FERRY_BENCH_TSV:-$DATA/results.tsv}"
COLD="${FERRY_BENCH_COLD:-1}"
# The password every tool's repository gets (benchmark data only).
BENCH_PASSWORD="ferry-bench-password"
TSV_HEADER="suite	tool	op	image	cache	wall_s	mb_s	cpu_s	rss_mib	repo_mib	logical_mib	result	detail"

SCRIPT_NAME="$(basename "$0")"
log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { log "$*"; exit 1; }

# need_tools TOOL:PACKAGE ... — fails with the apt-get line that installs what is missing.
need_tools() {
    local missing=() pkgs=() spec tool pkg
    for spec in "$@"; do
        tool="${spec%%:*}" pkg="${spec#*:}"
        if ! command -v "$tool" >/dev/null 2>&1; then
            missing+=("$tool")
            pkgs+=("$pkg")
        fi
    done
    if ((${#missing[@]})); then
        die "missing: ${missing[*]}; install with: apt-get install $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')"
    fi
}

# now: seconds since the epoch, nanoseconds
now() { date +%s.%N; }
# calc EXPR: floating point arithmetic (awk)
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

# cache_label: what a "cold" run really is on this box
cache_label() {
    if [[ "$COLD" == 1 && -w /proc/sys/vm/drop_caches ]]; then echo cold; else echo warm; fi
}

drop_caches() {
    sync
    if [[ "$COLD" == 1 ]]; then
        if [[ -w /proc/sys/vm/drop_caches ]]; then
            echo 3 >/proc/sys/vm/drop_caches
        elif [[ -z "${DROP_WARNED:-}" ]]; then
            log "cannot write /proc/sys/vm/drop_caches (not root?): runs labelled 'warm', page cache kept"
            DROP_WARNED=1
        fi
    fi
}

# du_mib PATH: allocated MiB (what the file system holds), "-" when absent
du_mib() { if [[ -e "$1" ]]; then du -sm "$1" | cut -f1; else echo -; fi; }
# size_bytes FILE: apparent size
size_bytes() { stat -c %s "$1"; }
# logical_bytes IMAGE: the disk size an image holds (virtual size for qcow2)
logical_bytes() {
    case "$1" in
        *.qcow2) qemu-img info --output=json "$IMG/$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["virtual-size"])' ;;
        *) size_bytes "$IMG/$1" ;;
    esac
}
# raw_image IMAGE: the raw image with the same content (os-day2.qcow2 -> os-day2.raw)
raw_image() { echo "${1%.qcow2}$([[ "$1" == *.qcow2 ]] && echo .raw)"; }

# sha256_of FILE: hex sha256 (openssl uses SHA-NI: ~6x faster than coreutils sha256sum here)
sha256_of() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }

# image_sha NAME: the sha256 recorded for an image when it was built
image_sha() { awk -v n="$1" '$2 == n || $2 == "*" n { print $1 }' "$IMG/images.sha256"; }

# run_timed NAME CACHE CMD...: runs CMD under GNU time (output in $LOGS/NAME.*); sets
# T_WALL (s), T_CPU (user+sys s), T_RSS (peak MiB), T_RC. CACHE "cold" drops the page cache first.
run_timed() {
    local name="$1" cache="$2" t0 t1
    shift 2
    mkdir -p "$LOGS"
    if [[ "$cache" == cold ]]; then drop_caches; fi
    t0="$(now)"
    T_RC=0
    /usr/bin/time -v -o "$LOGS/$name.time" "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err" || T_RC=$?
    t1="$(now)"
    T_WALL="$(calc "$t1 - $t0")"
    T_CPU="$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$LOGS/$name.time")"
    T_RSS="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$LOGS/$name.time")"
    [[ -n "$T_RSS" ]] || T_RSS=-
}

tsv_init() {
    mkdir -p "$(dirname "$TSV")"
    [[ -s "$TSV" ]] || printf '%s\n' "$TSV_HEADER" >"$TSV"
}

# record SUITE TOOL OP IMAGE CACHE WALL MB_S CPU RSS REPO_MIB LOGICAL_MIB RESULT DETAIL
record() {
    tsv_init
    local fields=() f
    for f in "$@"; do
        f="${f//$'\t'/ }"
        fields+=("${f//$'\n'/ }")
    done
    (IFS=$'\t' && printf '%s\n' "${fields[*]}") >>"$TSV"
    printf '%-8s %-14s %-13s %-14s %-5s wall %7s s  %8s MB/s  cpu %7s s  rss %5s MiB  repo %6s MiB  %s\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${12}" >&2
}

# mbps BYTES SECONDS: MB/s (10^6 bytes)
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "-" }'; }

# check_restore FILE IMAGE: sets R_RESULT / R_DETAIL from sha256 and allocation of a restored file
check_restore() {
    local file="$1" image want got alloc src_alloc
    image="$(raw_image "$2")"
    if [[ ! -f "$file" ]]; then
        R_RESULT="FAILED: no restored file"
        R_DETAIL="expected $file"
        return
    fi
    want="$(image_sha "$image")"
    got="$(sha256_of "$file")"
    alloc="$(du_mib "$file")"
    src_alloc="$(du_mib "$IMG/$image")"
    if [[ "$want" == "$got" ]]; then R_RESULT=ok; else R_RESULT="SHA256 MISMATCH"; fi
    R_DETAIL="sha256 ${got:0:12}… $([[ "$want" == "$got" ]] && echo match || echo "≠ ${want:0:12}…"); restored alloc $alloc MiB (source $src_alloc MiB)"
}

# Workers for every tool: Ferry's DataMoverImpl(threads) and restic's GOMAXPROCS (borg has one).
THREADS="${FERRY_BENCH_THREADS:-$(nproc)}"
# Ferry's worker threads (DataMoverImpl): 0 = its default, two per processor (workers block in
# reads and fsync, so more workers than cores keep both cores busy)
MOVER_THREADS="${FERRY_BENCH_MOVER_THREADS:-0}"

# timed SUITE TOOL OP IMAGE REPO CMD...: runs CMD under run_timed, cold when the box allows;
# then call finish_row RESULT DETAIL. IMAGE names the file in $IMG whose size the row uses.
timed() {
    ROW_SUITE="$1" ROW_TOOL="$2" ROW_OP="$3" ROW_IMAGE="$4" ROW_REPO="$5"
    shift 5
    ROW_CACHE="$(cache_label)"
    ROW_NAME="$(printf '%s.%s.%s' "$ROW_TOOL" "$ROW_OP" "$ROW_IMAGE" | tr -c 'A-Za-z0-9._-' '_')"
    log "$ROW_TOOL: $ROW_OP $ROW_IMAGE ($ROW_CACHE)"
    run_timed "$ROW_NAME" "$ROW_CACHE" "$@"
}

# finish_row RESULT DETAIL: records the row of the last timed command
finish_row() {
    local bytes
    bytes="$(logical_bytes "$ROW_IMAGE")"
    record "$ROW_SUITE" "$ROW_TOOL" "$ROW_OP" "$ROW_IMAGE" "$ROW_CACHE" "$T_WALL" "$(mbps "$bytes" "$T_WALL")" \
        "$T_CPU" "$T_RSS" "$(du_mib "$ROW_REPO")" $((bytes >> 20)) "$1" "$2"
}

# rc_result: "ok" or why the last timed command failed (with the last line it wrote to stderr)
rc_result() {
    if [[ "$T_RC" == 0 ]]; then
        echo ok
    else
        echo "FAILED (exit $T_RC: $(grep -v '^\s*$' "$LOGS/$ROW_NAME.err" | grep -v '^\s*at ' | tail -n 1 | cut -c1-300); log $LOGS/$ROW_NAME.err)"
    fi
}

# restore_result FILE IMAGE: result and detail of a timed restore, checked against the image
restore_result() {
    if [[ "$T_RC" != 0 ]]; then
        R_RESULT="$(rc_result)"
        R_DETAIL=""
    else
        check_restore "$1" "$2"
    fi
}

# start_nbd SOCKET: qemu-nbd serves os-day2.qcow2 read-only on the unix socket SOCKET (export
# "os", with the dirty bitmap day2), in the background (NBD_PID); stop_nbd ends it.
NBD_PID=""
start_nbd() {
    local err="$LOGS/${SCRIPT_NAME%.sh}.qemu-nbd.err"
    qemu-nbd -r -t -e 8 -f qcow2 -B day2 -x os -k "$1" "$IMG/os-day2.qcow2" 2>"$err" &
    NBD_PID=$!
    for _ in $(seq 100); do [[ -S "$1" ]] && break; sleep 0.1; done
    [[ -S "$1" ]] || die "qemu-nbd did not start: $(cat "$err")"
}
stop_nbd() {
    if [[ -n "$NBD_PID" ]]; then
        kill "$NBD_PID" 2>/dev/null || true
        wait "$NBD_PID" 2>/dev/null || true
        NBD_PID=""
    fi
}
