#!/usr/bin/env bash
# Micro-benchmark of the chunk codec (one thread, no files): chunk id, seal, open through
# libcrypto and SunJCE over the non-zero chunks of an image (streamed), LZ4 alone, GCM alone. Needs the repository module
# compiled (./mvnw -o -q -B -pl bundles/io.ferry.repository -am package -DskipTests).
# usage: bench/mover/micro/run.sh [IMAGE [MAX_CHUNKS]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
m2="${FERRY_BENCH_M2:-$HOME/.m2/repository}"
image="${1:-${FERRY_BENCH_DATA:-/var/tmp/ferry-bench}/images/os.raw}"
cp="$root/bundles/io.ferry.api/target/classes:$root/bundles/io.ferry.repository/target/classes"
cp+=":$m2/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar:$m2/at/yawk/lz4/lz4-java/1.14.0/lz4-java-1.14.0.jar"
cp+=":$m2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"${JAVA_HOME:+$JAVA_HOME/bin/}javac" -nowarn -d "$out" -cp "$cp" "$here/CodecMicro.java"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -cp "$out:$cp" io.ferry.repository.internal.CodecMicro "$image" ${2:+"$2"}
