#!/usr/bin/env bash
#
# Builds the data-mover benchmark images in $FERRY_BENCH_DATA/images (default
# /var/tmp/ferry-bench/images), or reuses them when they are present, were built with the
# same parameters and still match their recorded sha256.
#
#   bench/mover/make-images.sh [--size-mib N] [--force] [--keep-stage] [--no-verify]
#
#   os.raw         N MiB (default 4096) ext4 made with mke2fs -d (fixed UUID, hash seed and
#                  time; bench/mover/mke2fs.conf) from an OS-like tree of ~56 % of N: host
#                  /usr/bin, /usr/lib/x86_64-linux-gnu, /usr/share/doc, /var/lib/dpkg and the
#                  local Maven repository's release jars (tarred), each up to a fixed budget,
#                  plus seeded syslog-like text, base64 of seeded random and seeded random
#   os-day2.raw    os.raw + a new file (N/128) written with debugfs + 12 seeded overwrites of
#                  N/1024 at unaligned offsets inside existing files (~3-4 % of the chunks)
#   random.raw     N/4 MiB of AES-256-CTR keystream (fixed key): incompressible, no dedupe
#   zero.raw       N MiB, fully sparse
#   os.qcow2       os.raw converted to qcow2
#   os-day2.qcow2  os.qcow2 + persistent dirty bitmap "day2" (64 KiB granularity) that was
#                  enabled while exactly the 64 KiB blocks differing between os.raw and
#                  os-day2.raw were written into it (qemu-io write -s); then disabled.
#                  Same content as os-day2.raw (qemu-img compare).
#
# Host files differ between boxes: the image sizes do not (a source smaller than its
# budget is topped up with seeded filler), the content does. Compare tools within one run.
# --size-mib 256 makes small images for a dry run (use another FERRY_BENCH_DATA).
# Full size: 3-4 min on an idle 2-core box, ~11 GiB of disk (images) + ~2.5 GiB while staging.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Bump when the images change meaning; images built with another version are rebuilt.
IMAGES_VERSION=1
SEED=20261123
FS_UUID=5e1f2b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b
FS_HASH_SEED=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
FIXED_TIME=1767225600   # 2026-01-01T00:00:00Z, as in imagetool.py
RANDOM_KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
RANDOM_IV=f0e0d0c0b0a090807060504030201000
IMAGES=(os.raw os-day2.raw random.raw zero.raw os.qcow2 os-day2.qcow2)

SIZE_MIB="${FERRY_BENCH_SIZE_MIB:-4096}"
FORCE=0 KEEP_STAGE=0 VERIFY=1
while (($#)); do
    case "$1" in
        --size-mib) SIZE_MIB="$2"; shift 2 ;;
        --force) FORCE=1; shift ;;
        --keep-stage) KEEP_STAGE=1; shift ;;
        --no-verify) VERIFY=0; shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
if ! [[ "$SIZE_MIB" =~ ^[0-9]+$ ]] || ((SIZE_MIB < 256 || SIZE_MIB % 64 != 0)); then
    die "--size-mib must be a multiple of 64, at least 256 (got $SIZE_MIB)"
fi

CONF="version=$IMAGES_VERSION size_mib=$SIZE_MIB seed=$SEED"

# hash_images OUT: sha256sum-format lines of all images, sorted by name, two at a time
# (CPU-bound; the box has 2 cores); fails unless every image got its line.
hash_images() {
    local out="$1" f i pids
    for ((i = 0; i < ${#IMAGES[@]}; i += 2)); do
        pids=()
        for f in "${IMAGES[@]:i:2}"; do
            (cd "$IMG" && printf '%s  %s\n' "$(sha256_of "$f")" "$f" >".$f.sha256") &
            pids+=($!)
        done
        for f in "${pids[@]}"; do wait "$f" || die "computing a sha256 failed in $IMG"; done
    done
    for f in "${IMAGES[@]}"; do
        grep -q "  $f\$" "$IMG/.$f.sha256" 2>/dev/null || die "no sha256 for $IMG/$f"
        cat "$IMG/.$f.sha256"
        rm -f "$IMG/.$f.sha256"
    done | sort -k2 >"$out"
    [[ "$(wc -l <"$out")" == "${#IMAGES[@]}" ]] || die "sha256 list $out is incomplete"
}

images_ok() {
    [[ -f "$IMG/images.sha256" && -f "$IMG/images.conf" ]] || return 1
    [[ "$(cat "$IMG/images.conf")" == "$CONF" ]] || { log "images in $IMG were built with $(cat "$IMG/images.conf"), want $CONF"; return 1; }
    local f
    for f in "${IMAGES[@]}"; do [[ -f "$IMG/$f" ]] || { log "$IMG/$f is missing"; return 1; }; done
    if ((VERIFY)); then
        log "checking the sha256 of the images in $IMG (~20 s at full size on an idle box)"
        # two at a time: sha256 is CPU-bound and the box has 2 cores
        hash_images "$IMG/.check.sha256"
        if ! diff -q <(sort -k2 "$IMG/images.sha256") "$IMG/.check.sha256" >/dev/null; then
            log "images in $IMG do not match images.sha256 (modified or damaged)"
            return 1
        fi
        rm -f "$IMG/.check.sha256"
    fi
    return 0
}

need_tools python3:python3 openssl:openssl mke2fs:e2fsprogs debugfs:e2fsprogs e2fsck:e2fsprogs \
    qemu-img:qemu-utils qemu-io:qemu-utils qemu-nbd:qemu-utils nbdinfo:libnbd-bin

if ((!FORCE)) && images_ok; then
    log "reusing the images in $IMG ($CONF)"
    exit 0
fi

SCALE="$(awk -v n="$SIZE_MIB" 'BEGIN { printf "%.6f", n / 4096 }')"
RANDOM_MIB=$((SIZE_MIB / 4))
need_mib=$((SIZE_MIB * 4))
avail_mib="$(df -Pm "$(dirname "$DATA")" | awk 'NR == 2 { print $4 }')"
((avail_mib > need_mib)) || die "not enough space for the images under $DATA: $avail_mib MiB free, need about $need_mib MiB"

t_start="$(now)"
mkdir -p "$DATA"
chmod 700 "$DATA"   # the staging tree holds copies of host binaries: keep it private
mkdir -p "$IMG"
rm -f "$IMG/images.sha256" "$IMG/images.conf" "$IMG/.check.sha256"
STAGE="$DATA/stage"
TMP="$DATA/tmp"
rm -rf "$STAGE" "$TMP"
mkdir -p "$TMP"
INFO="$IMG/info.txt"
: >"$INFO"
info() { printf '%s\n' "$*" | tee -a "$INFO" >&2; }
info "# bench/mover images, built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $CONF"

log "staging the OS-like tree in $STAGE (scale $SCALE)"
python3 "$BENCH_DIR/imagetool.py" stage --out "$STAGE" --scale "$SCALE" --seed "$SEED" >"$TMP/stage.json"
info "stage: $(cat "$TMP/stage.json")"

log "os.raw: mke2fs -d"
rm -f "$IMG/os.raw"
truncate -s "${SIZE_MIB}M" "$IMG/os.raw"
MKE2FS_CONFIG="$BENCH_DIR/mke2fs.conf" E2FSPROGS_FAKE_TIME="$FIXED_TIME" \
    mke2fs -q -F -t ext4 -L ferry-bench-os -U "$FS_UUID" \
    -E "hash_seed=$FS_HASH_SEED,root_owner=0:0" -d "$STAGE" "$IMG/os.raw"
python3 "$BENCH_DIR/imagetool.py" fix-times "$IMG/os.raw" >/dev/null
E2FSPROGS_FAKE_TIME="$FIXED_TIME" e2fsck -fn "$IMG/os.raw" >"$TMP/fsck-os.txt" 2>&1 ||
    die "e2fsck found problems in os.raw: $(tail -n 5 "$TMP/fsck-os.txt")"
if ((!KEEP_STAGE)); then rm -rf "$STAGE"; fi

log "os-day2.raw: copy + day-2 changes"
rm -f "$IMG/os-day2.raw"
python3 "$BENCH_DIR/imagetool.py" copy "$IMG/os.raw" "$IMG/os-day2.raw"
python3 "$BENCH_DIR/imagetool.py" day2 --image "$IMG/os-day2.raw" --scale "$SCALE" --seed "$SEED" \
    --work "$TMP" >"$TMP/day2.json"
info "day2: $(cat "$TMP/day2.json")"
E2FSPROGS_FAKE_TIME="$FIXED_TIME" e2fsck -fn "$IMG/os-day2.raw" >"$TMP/fsck-day2.txt" 2>&1 ||
    die "e2fsck found problems in os-day2.raw: $(tail -n 5 "$TMP/fsck-day2.txt")"

log "random.raw: $RANDOM_MIB MiB of AES-256-CTR keystream"
head -c "$((RANDOM_MIB * 1048576))" /dev/zero |
    openssl enc -aes-256-ctr -nosalt -K "$RANDOM_KEY" -iv "$RANDOM_IV" >"$IMG/random.raw"

log "zero.raw: $SIZE_MIB MiB sparse"
rm -f "$IMG/zero.raw"
truncate -s "${SIZE_MIB}M" "$IMG/zero.raw"

log "os.qcow2 and os-day2.qcow2 (dirty bitmap day2)"
rm -f "$IMG/os.qcow2" "$IMG/os-day2.qcow2"
qemu-img convert -f raw -O qcow2 "$IMG/os.raw" "$IMG/os.qcow2"
python3 "$BENCH_DIR/imagetool.py" copy "$IMG/os.qcow2" "$IMG/os-day2.qcow2"
qemu-img bitmap --add --enable -g 65536 "$IMG/os-day2.qcow2" day2
python3 "$BENCH_DIR/imagetool.py" apply-runs --base "$IMG/os.raw" --new "$IMG/os-day2.raw" \
    --qcow2 "$IMG/os-day2.qcow2" --work "$TMP" >"$TMP/apply.json"
qemu-img bitmap --disable "$IMG/os-day2.qcow2" day2
qemu-img check -q "$IMG/os-day2.qcow2" || die "qemu-img check found problems in os-day2.qcow2"
qemu-img compare -q -f raw -F qcow2 "$IMG/os-day2.raw" "$IMG/os-day2.qcow2" ||
    die "os-day2.qcow2 does not have the content of os-day2.raw (qemu-img compare)"
changed_bytes="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes"])' <"$TMP/apply.json")"

# The bitmap as a reader sees it: export it read-only and ask for its map.
sock="$TMP/nbd.sock"
rm -f "$sock"
qemu-nbd -r -f qcow2 -B day2 -x os -k "$sock" "$IMG/os-day2.qcow2" &
nbd_pid=$!
trap 'kill "$nbd_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -S "$sock" ]] && break; sleep 0.1; done
nbdinfo --map=qemu:dirty-bitmap:day2 "nbd+unix:///os?socket=$sock" >"$TMP/dirty-map.txt"
kill "$nbd_pid" 2>/dev/null || true   # without -t, qemu-nbd may already have exited after the client left
wait "$nbd_pid" 2>/dev/null || true
trap - EXIT
# nbdinfo --map lines: offset length type description; type 1 = dirty
dirty_bytes="$(awk '$3 == 1 { s += $2 } END { printf "%d", s }' "$TMP/dirty-map.txt")"
info "dirty bitmap day2: $dirty_bytes bytes dirty ($(calc "$dirty_bytes / 1048576") MiB); 64 KiB blocks differing os.raw -> os-day2.raw: $changed_bytes bytes ($(calc "$changed_bytes / 1048576") MiB)"
[[ "$dirty_bytes" == "$changed_bytes" ]] ||
    die "the day2 bitmap marks $dirty_bytes bytes but $changed_bytes bytes differ: see $TMP/dirty-map.txt"

log "chunk statistics (4 MiB)"
for f in os.raw random.raw; do
    info "chunks: $(python3 "$BENCH_DIR/imagetool.py" chunkstat "$IMG/$f")"
done
info "chunks: $(python3 "$BENCH_DIR/imagetool.py" chunkstat "$IMG/os-day2.raw" --base "$IMG/os.raw")"
for f in "${IMAGES[@]}"; do
    info "size: $f file size $(($(size_bytes "$IMG/$f") / 1048576)) MiB, allocated $(du_mib "$IMG/$f") MiB"
done

log "sha256 of the images"
hash_images "$IMG/.new.sha256"
mv "$IMG/.new.sha256" "$IMG/images.sha256"
printf '%s\n' "$CONF" >"$IMG/images.conf"
sed 's/^/sha256: /' "$IMG/images.sha256" >>"$INFO"
rm -rf "$TMP"
info "built in $(calc "$(now) - $t_start") s"
