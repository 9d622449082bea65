#!/usr/bin/env bash
#
# Box limits for the data-mover benchmark, recorded as "limits" rows next to the tools:
#   openssl speed sha256 and aes-256-gcm on 4 MiB blocks, 1 and N processes (N = nproc)
#   lz4 -1 of os.raw (page cache warm; output counted, not written)
#   sequential read with dd iflag=direct bs=4M of os.raw (holes read as zeros) and random.raw (cold)
#   sequential write of random.raw with dd oflag=direct and buffered + fsync (restore side)
#
#   bench/mover/limits.sh [--seconds S]      (openssl time per figure, default 3)
#
# Needs the images (make-images.sh). About 40 s at full size.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_PER=3
while (($#)); do
    case "$1" in
        --seconds) SECONDS_PER="$2"; shift 2 ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
need_tools openssl:openssl lz4:lz4 dd:coreutils /usr/bin/time:time
[[ -f "$IMG/os.raw" && -f "$IMG/random.raw" ]] || die "no images in $IMG: run bench/mover/make-images.sh first"

W="$WORK/limits"
rm -rf "$W"
mkdir -p "$W"
PROCS="$(nproc)"

# openssl_row ALGO PROCS: one row from openssl speed (its figure is in 1000s of bytes/s)
openssl_row() {
    local algo="$1" procs="$2" name value multi=()
    name="limits.openssl.$algo.p$procs"
    if ((procs > 1)); then multi=(-multi "$procs"); fi
    run_timed "$name" warm openssl speed "${multi[@]}" -evp "$algo" -bytes 4194304 -seconds "$SECONDS_PER"
    value="$(awk '$NF ~ /^[0-9.]+k$/ { v = $NF } END { sub(/k$/, "", v); printf "%.0f", v / 1000 }' "$LOGS/$name.out")"
    record limits openssl "$algo x$procs" "-" - "$T_WALL" "$value" "$T_CPU" "$T_RSS" - - \
        "$([[ $T_RC == 0 && -n "$value" ]] && echo ok || echo "FAILED (exit $T_RC)")" \
        "openssl speed ${multi[*]} -evp $algo -bytes 4194304 -seconds $SECONDS_PER: $value MB/s"
}

for algo in sha256 aes-256-gcm; do
    openssl_row "$algo" 1
    if ((PROCS > 1)); then openssl_row "$algo" "$PROCS"; fi
done

# lz4 -1 on os.raw, input warm (what a compressor can do, not what the disk can)
os_bytes="$(size_bytes "$IMG/os.raw")"
cat "$IMG/os.raw" >/dev/null
# shellcheck disable=SC2016  # $1 is expanded by the inner bash
run_timed limits.lz4.os warm bash -c 'lz4 -1 -c "$1" | wc -c' _ "$IMG/os.raw"
out_bytes="$(tail -n 1 "$LOGS/limits.lz4.os.out")"
record limits lz4 "lz4 -1" os.raw warm "$T_WALL" "$(mbps "$os_bytes" "$T_WALL")" "$T_CPU" "$T_RSS" - \
    $((os_bytes >> 20)) "$([[ $T_RC == 0 ]] && echo ok || echo "FAILED (exit $T_RC)")" \
    "out $((out_bytes >> 20)) MiB, ratio $(calc "$os_bytes / ($out_bytes + 1)") (whole image, zeros included)"

# sequential reads, cold
for img in os.raw random.raw; do
    bytes="$(size_bytes "$IMG/$img")"
    run_timed "limits.dd-read.$img" "$(cache_label)" dd if="$IMG/$img" of=/dev/null bs=4M iflag=direct
    record limits dd "read direct" "$img" "$(cache_label)" "$T_WALL" "$(mbps "$bytes" "$T_WALL")" "$T_CPU" \
        "$T_RSS" - $((bytes >> 20)) "$([[ $T_RC == 0 ]] && echo ok || echo "FAILED (exit $T_RC)")" \
        "dd if=$img of=/dev/null bs=4M iflag=direct"
done

# sequential writes (input warm): the restore side
bytes="$(size_bytes "$IMG/random.raw")"
cat "$IMG/random.raw" >/dev/null
run_timed limits.dd-write-direct warm dd if="$IMG/random.raw" of="$W/write.raw" bs=4M oflag=direct
record limits dd "write direct" random.raw warm "$T_WALL" "$(mbps "$bytes" "$T_WALL")" "$T_CPU" "$T_RSS" - \
    $((bytes >> 20)) "$([[ $T_RC == 0 ]] && echo ok || echo "FAILED (exit $T_RC)")" "dd bs=4M oflag=direct"
rm -f "$W/write.raw"
run_timed limits.dd-write-fsync warm dd if="$IMG/random.raw" of="$W/write.raw" bs=4M conv=fsync
record limits dd "write+fsync" random.raw warm "$T_WALL" "$(mbps "$bytes" "$T_WALL")" "$T_CPU" "$T_RSS" - \
    $((bytes >> 20)) "$([[ $T_RC == 0 ]] && echo ok || echo "FAILED (exit $T_RC)")" "dd bs=4M conv=fsync (buffered)"
rm -rf "$W"
