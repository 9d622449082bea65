#!/usr/bin/env bash
#
# restic and borg on the benchmark images, each into its own local repositories:
#   restic        restic 0.14 `init --repository-version 2` (zstd auto), GOMAXPROCS=THREADS
#   borg-buzhash  borg 1.2 `init -e repokey`, `create --compression lz4` (default CDC)
#   borg-fixed    the same with `--chunker-params fixed,4194304 --sparse` (Ferry's design)
# For each tool: full os.raw (cold), incremental os-day2.raw (cold), restore of the day-2
# backup + sync (cold; sha256 and allocation checked), full random.raw, full zero.raw and
# its restore + sync.
#
#   bench/mover/peers.sh [--tools restic,borg-buzhash,borg-fixed] [--keep]
#
# The image to back up is hard-linked to the same path ($WORK/<tool>/src/disk.raw) for the
# full (os.raw) and then the incremental (os-day2.raw): the tools see the same file, modified
# (new inode and mtime), so they re-read all of it and deduplicate. Restores go to sparse
# files under $WORK (restic 0.14 cannot write sparse files). The tools' caches and
# configuration live under $WORK, not in the home directory. --keep leaves the
# repositories in $WORK/<tool> (default: deleted after the tool's runs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS="restic,borg-buzhash,borg-fixed"
KEEP=0
while (($#)); do
    case "$1" in
        --tools) TOOLS="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
need_tools restic:restic borg:borgbackup /usr/bin/time:time
for f in os.raw os-day2.raw random.raw zero.raw; do
    [[ -f "$IMG/$f" ]] || die "no $IMG/$f: run bench/mover/make-images.sh first"
done

# The commands of each tool fill the array CMD.
init_cmd() { # TOOL REPO
    case "$1" in
        restic) CMD=(restic -r "$2" init --repository-version 2) ;;
        borg-*) CMD=(borg init -e repokey "$2") ;;
    esac
}
# shellcheck disable=SC2054  # "fixed,4194304" is one argument
backup_cmd() { # TOOL REPO ARCHIVE
    case "$1" in
        restic) CMD=(restic -r "$2" backup --host ferry-bench "$SRC") ;;
        borg-buzhash) CMD=(borg create --stats --compression lz4 "$2::$3" "$SRC") ;;
        borg-fixed) CMD=(borg create --stats --compression lz4 --chunker-params fixed,4194304 --sparse "$2::$3" "$SRC") ;;
    esac
}
# shellcheck disable=SC2016  # the single-quoted scripts expand their own arguments
restore_cmd() { # TOOL REPO ARCHIVE TARGET_DIR (then sync, inside the timing)
    case "$1" in
        restic) CMD=(bash -c '"$@" && sync' _ restic -r "$2" restore latest --target "$4") ;;
        borg-*) CMD=(bash -c 'cd "$1" && shift && "$@" && sync' _ "$4" borg extract --sparse "$2::$3") ;;
    esac
}
restored_file() { # TOOL TARGET_DIR: where the restore put disk.raw
    case "$1" in
        restic) echo "$2$SRC" ;;
        borg-*) echo "$2/${SRC#/}" ;;
    esac
}
# backup_detail: what the tool said it added
backup_detail() {
    grep -h -e 'Added to the repository' -e 'processed' -e 'This archive:' "$LOGS/$ROW_NAME.out" \
        "$LOGS/$ROW_NAME.err" 2>/dev/null | tr -s ' ' | paste -sd ';' - || true
}

init_repo() { # TOOL REPO
    init_cmd "$1" "$2"
    "${CMD[@]}" >"$LOGS/$1.init.log" 2>&1 || die "$1: ${CMD[*]} failed: $(tail -n 3 "$LOGS/$1.init.log")"
}

backup_row() { # TOOL REPO ARCHIVE OP IMAGE
    ln -f "$IMG/$5" "$SRC"
    backup_cmd "$1" "$2" "$3"
    timed peers "$1" "$4" "$5" "$2" "${CMD[@]}"
    finish_row "$(rc_result)" "$(backup_detail)"
}

restore_row() { # TOOL REPO ARCHIVE IMAGE
    local target="$W/restore" file
    rm -rf "$target"
    mkdir -p "$target"
    restore_cmd "$1" "$2" "$3" "$target"
    timed peers "$1" restore+sync "$4" "$2" "${CMD[@]}"
    file="$(restored_file "$1" "$target")"
    restore_result "$file" "$4"
    finish_row "$R_RESULT" "$R_DETAIL"
    rm -rf "$target"
}

mkdir -p "$LOGS"
IFS=',' read -r -a tool_list <<<"$TOOLS"
for tool in "${tool_list[@]}"; do
    case "$tool" in
        restic)
            export RESTIC_PASSWORD="$BENCH_PASSWORD" GOMAXPROCS="$THREADS"
            log "restic $(restic version | cut -d' ' -f2), GOMAXPROCS=$THREADS"
            ;;
        borg-buzhash | borg-fixed)
            export BORG_PASSPHRASE="$BENCH_PASSWORD" BORG_DISPLAY_PASSPHRASE=n \
                BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no
            log "$(borg --version), $tool"
            ;;
        *) die "unknown tool '$tool' (restic, borg-buzhash, borg-fixed)" ;;
    esac
    W="$WORK/$tool"
    rm -rf "$W"
    mkdir -p "$W/src"
    SRC="$W/src/disk.raw"
    export RESTIC_CACHE_DIR="$W/cache" BORG_BASE_DIR="$W/home"

    init_repo "$tool" "$W/repo-os"
    backup_row "$tool" "$W/repo-os" full full os.raw
    backup_row "$tool" "$W/repo-os" day2 incr os-day2.raw
    restore_row "$tool" "$W/repo-os" day2 os-day2.raw

    init_repo "$tool" "$W/repo-random"
    backup_row "$tool" "$W/repo-random" full full random.raw

    init_repo "$tool" "$W/repo-zero"
    backup_row "$tool" "$W/repo-zero" full full zero.raw
    restore_row "$tool" "$W/repo-zero" full zero.raw

    rm -f "$SRC"
    if ((!KEEP)); then rm -rf "$W"; fi
done
