#!/usr/bin/env bash
#
# Issue "Real proxies", benchmark 2: the control plane. ControlPlaneBenchmark (a main in
# bundles/io.ferry.agent/src/test/java/io/ferry/agent/internal/) starts a manager endpoint and
# AGENTS agent clients in one JVM (mutual TLS on 127.0.0.1, heartbeat 10 s) and dispatches TASKS
# task assignments round-robin, IN_FLIGHT at a time; prints dispatch latency and heap.
#
#   bench/agents/control-plane.sh [AGENTS [TASKS [IN_FLIGHT [RATE]]]]  (default 500 30000 200, no rate
#   limit; RATE: at most so many dispatches per second)
#
# Builds the agent module and what it needs (offline, without tests, nothing installed) first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1; }
(cd "$ROOT" && ./mvnw -o -B -q -pl bundles/io.ferry.agent -am verify -DskipTests)
bundle_jar() { # the bundle's jar in its target/ (not -sources)
    local j
    for j in "$ROOT/bundles/$1/target/$1"-*.jar; do
        [[ "$j" == *-sources.jar ]] || { echo "$j"; return; }
    done
}
bc="$(prop bouncycastle.version)" slf4j="$(prop slf4j.version)"
cp="$ROOT/bundles/io.ferry.agent/target/test-classes:$ROOT/bundles/io.ferry.agent/target/classes"
for b in io.ferry.api io.ferry.grpc io.ferry.pki io.ferry.repository; do cp+=":$(bundle_jar $b)"; done
for a in bcprov bcutil bcpkix; do cp+=":$m2/org/bouncycastle/$a-jdk18on/$bc/$a-jdk18on-$bc.jar"; done
cp+=":$m2/org/slf4j/slf4j-api/$slf4j/slf4j-api-$slf4j.jar:$m2/org/slf4j/slf4j-simple/$slf4j/slf4j-simple-$slf4j.jar"
for j in ${cp//:/ }; do [[ -e "$j" ]] || { echo "missing: $j" >&2; exit 1; }; done
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load:$(uptime | sed 's/.*load average://')"
exec java ${JAVA_OPTS:-} -cp "$cp" io.ferry.agent.internal.ControlPlaneBenchmark "$@"
