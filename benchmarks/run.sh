#!/usr/bin/env bash
# The one benchmark command: builds the reactor with the benchmarks profile (unpacking Keycloak from Maven Central),
# then runs JMH, the pipeline and Keycloak side by side, and rewrites docs/benchmarks.md and docs/benchmarks-*.png.
# Traffic goes to 127.0.0.1 only; every load is bounded in requests and time. Options (system properties):
#   benchmarks/run.sh -Dbench.reps=3 -Dbench.seconds=8 -Dbench.warmUpSeconds=20 -Dbench.maxSessions=100000
#                     [-Dbench.skipKeycloak=true] [-Dbench.noWrk=true] [-Dbench.skipScale=true | -Dbench.scaleOnly=true]
#                     [-Dbench.scaleFilter=cluster]   (only the scale topologies whose name contains it)
# The scale section (issue 16) starts the single-node topology and the cluster topology (3 brokers, Redis Cluster of
# 3 masters + 3 replicas) with 1 and with 3 workers, one after the other, and measures each the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
# Throughput is measured with wrk (Debian package; PERFORMANCE.md: a Java client on the same 2 cores caps the figures).
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; } || true
  fi
  command -v wrk >/dev/null || echo "wrk not found (apt-get install wrk): throughput falls back to Java's HttpClient" >&2
fi
JAVA=java
for candidate in /usr/lib/jvm/temurin-2*-jdk*/bin/java; do [ -x "$candidate" ] && JAVA=$candidate; done
# Built by the JDK that runs the services, so that their start-up cache (made at package time, for that JVM only:
# JDK 25's AOT cache, README "Start-up time") is the one they start with.
if [ "$JAVA" != java ]; then
  JAVA_HOME="$(dirname "$(dirname "$JAVA")")" ./mvnw -B -q -Pbenchmarks -DskipTests package
else
  ./mvnw -B -q -Pbenchmarks -DskipTests package
fi
VERSION=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -1)
exec "$JAVA" -Xmx1g -Dproject.root="$PWD" -Dproject.version="$VERSION" "$@" \
  -Dlocalstack.service-jvm-options="-Xms256m -Xmx256m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=160m -Xss512k -XX:+UseSerialGC" \
  -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.revocation.benchmarks.BenchmarkRun
