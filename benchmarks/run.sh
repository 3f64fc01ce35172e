#!/usr/bin/env bash
# The one benchmark command: builds the reactor with the benchmarks profile (unpacking Keycloak from Maven Central),
# then runs JMH, the pipeline and Keycloak side by side, and rewrites docs/benchmarks.md and docs/benchmarks-*.png.
# Traffic goes to 127.0.0.1 only; every load is bounded in requests and time. Options (system properties):
#   benchmarks/run.sh -Dbench.reps=3 -Dbench.seconds=8 -Dbench.maxSessions=100000 [-Dbench.skipKeycloak=true]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbenchmarks -DskipTests package
JAVA=java
for candidate in /usr/lib/jvm/temurin-2*-jdk*/bin/java; do [ -x "$candidate" ] && JAVA=$candidate; done
VERSION=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -1)
exec "$JAVA" -Xmx1g -Dproject.root="$PWD" -Dproject.version="$VERSION" "$@" \
  -Dlocalstack.service-jvm-options="-Xms256m -Xmx256m" \
  -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.revocation.benchmarks.BenchmarkRun
