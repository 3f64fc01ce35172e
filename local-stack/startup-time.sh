#!/usr/bin/env bash
# Start-up time of each service with and without its start-up cache (README "Start-up time"), measured back to back:
# for each run, each service is started once without the cache and once with it (alternating which goes first), on
# spare ports beside a running ./run-local.sh (its Kafka, Redis and token-checker), with run-local.sh's JVM options.
# Prints, per service and mode, the median of the wall time from exec to /actuator/health UP and of Spring's
# "Started ... in N seconds". Needs the jars and caches (./mvnw -DskipTests package) and ./run-local.sh --detach.
#
#   local-stack/startup-time.sh [RUNS [SERVICE...]]   (5 runs of all three by default; JAVA_HOME selects the JVM as
#                                                     for run-local.sh)
set -uo pipefail
RUNS="${1:-5}"
shift $(($# > 0 ? 1 : 0))
SERVICES=(token-checker revocation-worker api-gateway)
[ $# -eq 0 ] || SERVICES=("$@")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=0.1.0-SNAPSHOT
STATE="$ROOT/.local/startup-time"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
PARTS=()
SERVICE_JVM_OPTIONS="${SERVICE_JVM_OPTIONS:--Xms64m -Xmx256m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=160m -Xss512k -XX:+UseSerialGC}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
source "$ROOT/local-stack/processes.sh"
mkdir -p "$LOGS" "$PIDS"
curl -fsS --max-time 2 http://127.0.0.1:8081/actuator/health >/dev/null \
  || { echo "startup-time.sh: start the local system first (./run-local.sh --detach)" >&2; exit 1; }

declare -A PORT=([token-checker]=28081 [revocation-worker]=28082 [api-gateway]=28080)

one_start() { # service, on|off -> "wall_ms started_s"
  local service="$1" mode="$2" log="$LOGS/$1-$2.log" t0 t1 pid
  SERVICE_AOT_CACHE="$mode" service_launch_args "$service"
  [ "$mode" = off ] || [[ "$LAUNCH_NOTE" == "start-up cache "* && "$LAUNCH_NOTE" != *off* ]] \
    || { echo "startup-time.sh: $service has no start-up cache for this JVM ($LAUNCH_NOTE)" >&2; exit 1; }
  t0=$(date +%s%N)
  env SERVER_PORT="${PORT[$service]}" WORKER_GROUP_ID=startup-time MALLOC_ARENA_MAX=2 \
    "$JAVA" $SERVICE_JVM_OPTIONS "${LAUNCH_ARGS[@]}" > "$log" 2>&1 < /dev/null &
  pid=$!
  until http_up "${PORT[$service]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "startup-time.sh: $service exited, see $log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  echo "$(( (t1 - t0) / 1000000 )) $(sed -n 's/.*Started .* in \([0-9.]*\) seconds.*/\1/p' "$log" | head -n 1)"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "JVM: $("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.vm\.version = //p'); options: $SERVICE_JVM_OPTIONS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-18s %-5s %s\n' service cache "runs: wall ms to health UP / Spring's Started s"
for service in "${SERVICES[@]}"; do
  declare -A wall=() started=()
  for ((r = 1; r <= RUNS; r++)); do
    if ((r % 2)); then order=(off on); else order=(on off); fi
    for mode in "${order[@]}"; do
      read -r w s < <(one_start "$service" "$mode")
      wall[$mode]+="$w "; started[$mode]+="$s "
    done
  done
  for mode in off on; do
    printf '%-18s %-5s %s  median %s ms / %s s\n' "$service" "$mode" "${wall[$mode]}" \
      "$(tr ' ' '\n' <<< "${wall[$mode]}" | grep . | median)" "$(tr ' ' '\n' <<< "${started[$mode]}" | grep . | median)"
  done
  unset wall started
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
