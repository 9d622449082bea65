#!/usr/bin/env bash
#
# REST API benchmark (issue "REST API and web console"), against a fresh Ferry of this checkout:
#   1. paging: the inventory of bench/inventory (10,000 servers, 100,000 VMs, 300,000 disks) is
#      imported, then GET /api/v1/vms is walked page by page by its next links (limit 100 by
#      default: 1,000 pages); latency per page p50/p95/max;
#   2. event streams: a job whose 5 disks are raw files of DISK_MIB MiB of random data runs while
#      SUBSCRIBERS clients follow GET /api/v1/sessions/{id}/events; how long after the session's
#      end each subscriber got "end", and how far apart the subscribers got each update; the
#      manager's heap (used, after a GC) before and after, and its peak while the streams run.
# One machine, one clock: the client (bench/rest/RestBench.java, run as a single-file program)
# and Ferry share the box. A benchmark, never a test: nothing here asserts a time.
#
#   bench/rest/run.sh                       (VMS_LIMIT=100 SUBSCRIBERS=200 DISK_MIB=512)
#   ip netns add b; ip netns exec b ip link set lo up; ip netns exec b bench/rest/run.sh
#       (in a network namespace of its own when another Ferry uses 8101/8143/8443)
#
# Needs the distribution zip (./mvnw -B -DskipTests install), python3, a JDK 17 (jcmd).
# Work files: bench/out/rest/ (git-ignored); the inventory file of bench/inventory is reused.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/bench/out/rest"
RUN_DIR="$OUT/run"
export FERRY_RUN_DIR="$RUN_DIR"
LIMIT="${VMS_LIMIT:-100}" SUBSCRIBERS="${SUBSCRIBERS:-200}" DISK_MIB="${DISK_MIB:-512}"
INVENTORY="$ROOT/bench/out/inventory/inventory-10000-100000-300000-seed20261123.json"
log() { echo "run.sh: $*" >&2; }
mkdir -p "$OUT"
if [[ ! -s "$INVENTORY" ]]; then
    mkdir -p "$(dirname "$INVENTORY")"
    log "generating $INVENTORY"
    python3 "$ROOT/bench/inventory/generate.py" --servers 10000 --vms 100000 --disks 300000 --seed 20261123 \
        --out "$INVENTORY.tmp"
    mv "$INVENTORY.tmp" "$INVENTORY"
fi
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
ferry() { "$ROOT/ferry" "$@"; }
cleanup() { ferry stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
rm -rf "$RUN_DIR"
zip=("$ROOT"/karaf-distribution/target/karaf-distribution-*.zip)
tmp="$(mktemp -d "$OUT/.unpack.XXXXXX")"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "${zip[0]}" "$tmp"
mv "$tmp"/*/ "$RUN_DIR"; rmdir "$tmp"; chmod +x "$RUN_DIR"/bin/*; touch "$RUN_DIR/.ferry-unpacked"
printf 'transfer.roots = ${karaf.data}/ferry/transfer, %s, %s\n' "$(dirname "$INVENTORY")" "$OUT" \
    >>"$RUN_DIR/etc/io.ferry.paths.cfg"
ferry start >&2
PID="$(cat "$RUN_DIR/karaf.pid")"
CA="$RUN_DIR/data/ferry/ca/ca.crt"
PORT="$(sed -n 's/^[[:space:]]*org.osgi.service.http.port.secure[[:space:]]*=[[:space:]]*//p' "$RUN_DIR/etc/org.ops4j.pax.web.cfg" | head -n1)"
BASE="https://127.0.0.1:${PORT:-8443}/api/v1"
TOKEN="$(ferry client 'ferry:token-create --role admin --expires 1d --json' | sed -n 's/.*"token" : "\(ferry_[^"]*\)".*/\1/p')"
[[ -n "$TOKEN" ]] || { log "no API token"; exit 1; }
heap() { # used heap in MiB; "gc" first runs a full GC
    [[ "${1:-}" == gc ]] && "$JAVA_HOME/bin/jcmd" "$PID" GC.run >/dev/null
    "$JAVA_HOME/bin/jcmd" "$PID" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?/,"",v); printf "%.0f\n", v/1024; exit}}'
}
bench() { "$JAVA_HOME/bin/java" "$ROOT/bench/rest/RestBench.java" "$@"; }

echo "## run of $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
log "importing $INVENTORY (100,000 VMs)"
start=$(date +%s.%N)
ferry client "ferry:inventory-import $INVENTORY" >/dev/null
echo "import.seconds $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b-a}')"
echo "heap.after_import_mib $(heap gc)"
bench pages "$BASE" "$CA" "$TOKEN" "$LIMIT"
echo "heap.after_pages_mib $(heap gc)"

log "the event-stream job: 5 disks of $DISK_MIB MiB"
DISKS="$RUN_DIR/data/ferry/disks"; mkdir -p "$DISKS"
python3 - "$RUN_DIR/samples/lab-inventory.json" "$OUT/sse-inventory.json" "$DISKS" "$DISK_MIB" <<'PY'
import json, os, sys
lab = json.load(open(sys.argv[1])); disks = sys.argv[3]; mib = int(sys.argv[4])
vms = ["web-01", "db-01", "br-app-01"]
for vm in lab["vms"]:
    if vm["name"] in vms:
        for i, d in enumerate(vm["disks"]):
            f = os.path.join(disks, "%s-%d.raw" % (vm["name"], i))
            with open(f, "wb") as out:
                for _ in range(mib):
                    out.write(os.urandom(1 << 20))
            d.update(location=f, format="RAW", capacityBytes=mib << 20)
lab["jobs"].append({"name": "bench-sse", "platform": "VMWARE", "vms": vms, "repository": "bkp-01"})
json.dump(lab, open(sys.argv[2], "w"))
PY
ferry client "ferry:inventory-import $OUT/sse-inventory.json" >/dev/null
echo "heap.before_streams_mib $(heap gc)"
peak=0
( while sleep 1; do h=$(heap); echo "$h"; done ) >"$OUT/heap-samples.txt" 2>/dev/null &
sampler=$!
bench events "$BASE" "$CA" "$TOKEN" bench-sse "$SUBSCRIBERS"
kill "$sampler" 2>/dev/null || true
echo "heap.peak_during_streams_mib $(sort -n "$OUT/heap-samples.txt" | tail -n1)"
echo "heap.after_streams_mib $(heap gc)"
rm -f "$DISKS"/*.raw
