#!/usr/bin/env bash
#
# Selection planner benchmark: PlannerBench.java builds an inventory in memory (default
# 10,000 VMs / 30,000 disks, 500 VMware proxies in 20 networks, 50 ESXi hosts) with simple
# in-bench plugins and times io.ferry.selection's Planner on one job holding every VM, in a
# JVM limited to 256 MiB of heap. A benchmark, never a test: nothing asserts a time.
#
#   bench/selection/run.sh [--xmx 256m] [--build] [PlannerBench options: --vms N --disks-per-vm N
#                          --proxies N --networks N --hosts N --threads N --runs N --seed N --naive-plugins 0|1]
#
# Needs the io.ferry.api and io.ferry.selection jars in their target/ directories; --build
# (or their absence) builds them first (mvn -o, tests skipped). The machine's processors and
# load average are printed with the numbers: other work on the machine slows the runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
XMX=256m
BUILD=0
ARGS=()
while (($#)); do
    case "$1" in
        --xmx) XMX="$2"; shift 2 ;;
        --build) BUILD=1; shift ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done

jar() { ls "$ROOT"/bundles/"$1"/target/"$1"-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n 1; }

if ((BUILD)) || [[ -z "$(jar io.ferry.api)" || -z "$(jar io.ferry.selection)" ]]; then
    echo "run.sh: building io.ferry.api and io.ferry.selection" >&2
    (cd "$ROOT" && mvn -B -o -q install -N && mvn -B -o -q -DskipTests -pl bundles/io.ferry.api,bundles/io.ferry.selection install)
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="$(jar io.ferry.api):$(jar io.ferry.selection)"
echo "run.sh: $("$JAVA" -version 2>&1 | head -n 1), -Xmx$XMX, $(nproc) processors, $(uname -sr)" >&2
exec "$JAVA" -Xmx"$XMX" -cp "$CP" "$ROOT/bench/selection/PlannerBench.java" "${ARGS[@]}"
