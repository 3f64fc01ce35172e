#!/usr/bin/env bash
# The highly-available topology on this machine (./run-local.sh --cluster ...): three Kafka brokers (KRaft, combined
# broker+controller, a three-voter quorum; topics RF 3, min.insync.replicas 2), a Redis Cluster of three masters with
# one replica each (formed from Java over RESP, no redis-cli), two api-gateways, three revocation-workers (one consumer
# group) and two token-checkers sharing their key files. State lives under .local-cluster/ (apart from the single-node
# system's .local/). Ports derive from CLUSTER_PORT_BASE (default 18000; README "Topologies").
#
#   ./run-local.sh --cluster            start everything, stay in the foreground, stop everything on Ctrl-C / SIGTERM
#   ./run-local.sh --cluster --detach   start what is not running, return once every part is healthy
#   ./run-local.sh --cluster --status   one line per broker, Redis node and service instance: NAME PID STATE [ROLE]
#   ./run-local.sh --cluster --stop     stop a detached cluster (only the processes this script started)
set -uo pipefail
SERVICE_JVM_OPTIONS="${SERVICE_JVM_OPTIONS:--Xms64m -Xmx256m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=160m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
KAFKA_JVM_OPTIONS="${KAFKA_JVM_OPTIONS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:TieredStopAtLevel=1 -Xss512k}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.local-cluster"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
TLS="$STATE/tls"
KEYS="$STATE/keys"
START_TIMEOUT="${START_TIMEOUT:-300}"
VERSION=0.1.0-SNAPSHOT

B="${CLUSTER_PORT_BASE:-18000}"
# name -> http port (services), client port (brokers, Redis nodes)
declare -A PORT=(
  [kafka-1]=$((B + 92)) [kafka-2]=$((B + 93)) [kafka-3]=$((B + 94))
  [redis-1]=$((B + 701)) [redis-2]=$((B + 702)) [redis-3]=$((B + 703))
  [redis-4]=$((B + 704)) [redis-5]=$((B + 705)) [redis-6]=$((B + 706))
  [token-checker-1]=$((B + 81)) [token-checker-2]=$((B + 181))
  [revocation-worker-1]=$((B + 82)) [revocation-worker-2]=$((B + 182)) [revocation-worker-3]=$((B + 282))
  [api-gateway-1]=$((B + 80)) [api-gateway-2]=$((B + 180))
)
declare -A HTTPS=([token-checker-1]=$((B + 443)) [token-checker-2]=$((B + 543)) [api-gateway-1]=$((B + 444)) [api-gateway-2]=$((B + 544)))
CONTROLLER_BASE=$((B + 192))
BROKERS=(kafka-1 kafka-2 kafka-3)
REDIS_NODES=(redis-1 redis-2 redis-3 redis-4 redis-5 redis-6)
SERVICES=(token-checker-1 token-checker-2 revocation-worker-1 revocation-worker-2 revocation-worker-3 api-gateway-1 api-gateway-2)
PARTS=("${BROKERS[@]}" "${REDIS_NODES[@]}" "${SERVICES[@]}")
BOOTSTRAP="127.0.0.1:${PORT[kafka-1]},127.0.0.1:${PORT[kafka-2]},127.0.0.1:${PORT[kafka-3]}"
REDIS_SEEDS="$(for n in "${REDIS_NODES[@]}"; do printf '127.0.0.1:%s,' "${PORT[$n]}"; done | sed 's/,$//')"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$JAVA" >/dev/null 2>&1 || { echo "run-local.sh: a JDK 17+ is needed (java not found)" >&2; exit 1; }
KEYTOOL="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/keytool"

source "$ROOT/local-stack/processes.sh"
redis_reply() { # port, inline command -> first line of the reply
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf '%s\r\n' "$2" >&3 && IFS= read -r -t 2 line <&3 && echo "$line") 2>/dev/null
}
redis_role() { # port -> master | slave
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'ROLE\r\n' >&3 && IFS= read -r -t 2 _ <&3 && IFS= read -r -t 2 _ <&3 \
    && IFS= read -r -t 2 role <&3 && echo "${role%$'\r'}") 2>/dev/null
}

is_healthy() {
  case "$1" in
    kafka-*) is_alive "$1" && port_open "${PORT[$1]}" && grep -q 'Kafka Server started' "$LOGS/$1.log" 2>/dev/null ;;
    redis-*) is_alive "$1" && [[ "$(redis_reply "${PORT[$1]}" PING)" == +PONG* ]] ;;
    *) is_alive "$1" && http_up "${PORT[$1]}" ;;
  esac
}

status_line() {
  local state=down pid=- extra=""
  if is_alive "$1"; then
    pid="$(pid_of "$1")"
    if is_healthy "$1"; then state=healthy; else state=starting; fi
  fi
  case "$1" in
    redis-*) [ "$state" = healthy ] && extra=" $(redis_role "${PORT[$1]}")" ;;
  esac
  echo "$1 $pid $state port=${PORT[$1]}$extra"
}

part_detail() { echo ", port ${PORT[$1]}"; }

ensure_built() {
  local missing=0
  for m in token-checker revocation-worker api-gateway; do [ -f "$(jar_of "$m")" ] || missing=1; done
  [ -d "$ROOT/local-stack/target/kafka-lib" ] || missing=1
  [ -f "$ROOT/local-stack/target/classes/org/revocation/localstack/LocalRedisCluster.class" ] || missing=1
  if [ "$missing" = 1 ]; then
    log "building the services (./mvnw -B -q -DskipTests package)"
    "$ROOT/mvnw" -B -q -DskipTests package || { echo "run-local.sh: build failed" >&2; exit 1; }
  fi
}

start_broker() { # kafka-N
  local part="$1" n="${1#kafka-}" dir="$STATE/$1" lib="$ROOT/local-stack/target/kafka-lib"
  local voters="1@127.0.0.1:$CONTROLLER_BASE,2@127.0.0.1:$((CONTROLLER_BASE + 1)),3@127.0.0.1:$((CONTROLLER_BASE + 2))"
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${PORT[$part]},CONTROLLER://127.0.0.1:$((CONTROLLER_BASE + n - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT[$part]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    [ -f "$STATE/kafka-cluster-id" ] || head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | cut -c1-22 | sed 's/^-/A/' > "$STATE/kafka-cluster-id"
    "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$lib/*" kafka.tools.StorageTool format \
      -t "$(cat "$STATE/kafka-cluster-id")" -c "$dir/server.properties" --ignore-formatted > "$LOGS/$part-format.log" 2>&1 \
      || { echo "run-local.sh: Kafka storage format failed, see $LOGS/$part-format.log" >&2; return 1; }
  fi
  launch "$part" "$JAVA" $KAFKA_JVM_OPTIONS -cp "$lib/*" kafka.Kafka "$dir/server.properties"
}

start_redis_node() { # redis-N
  local part="$1" dir="$STATE/$1"
  mkdir -p "$dir"
  launch "$part" "$(redis_binary)" --port "${PORT[$part]}" --bind 127.0.0.1 --dir "$dir" --save '' \
    --appendonly yes --appendfsync everysec --cluster-enabled yes --cluster-config-file "nodes-${PORT[$part]}.conf" \
    --cluster-node-timeout 1000 --hz 100
}

form_redis_cluster() {
  local ports=()
  for n in "${REDIS_NODES[@]}"; do ports+=("${PORT[$n]}"); done
  "$JAVA" -cp "$ROOT/local-stack/target/classes" org.revocation.localstack.LocalRedisCluster form "${ports[@]}" \
    >> "$LOGS/redis-cluster-form.log" 2>&1 || { log "Redis Cluster formation failed, see $LOGS/redis-cluster-form.log"; return 1; }
  log "$(tail -n 1 "$LOGS/redis-cluster-form.log")"
}

service_env() {
  echo KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" REDIS_CLUSTER_NODES="$REDIS_SEEDS" \
    TLS_KEYSTORE="$TLS/keystore.p12" TLS_KEYSTORE_PASSWORD=changeit \
    ISSUER_BASE_URL="https://localhost:${HTTPS[token-checker-1]}"
}

start_service() { # part, extra env...
  local part="$1" module="${1%-[0-9]}"; shift
  service_launch_args "$module"
  log "$part: $LAUNCH_NOTE"
  launch "$part" env $(service_env) SERVER_PORT="${PORT[$part]}" MALLOC_ARENA_MAX=2 "$@" \
    "$JAVA" $SERVICE_JVM_OPTIONS "${LAUNCH_ARGS[@]}"
}

start_part() {
  case "$1" in
    kafka-*) start_broker "$1" ;;
    redis-*) start_redis_node "$1" ;;
    token-checker-*) start_service "$1" HTTPS_PORT="${HTTPS[$1]}" \
      SIGNING_KEYS_FILE="$KEYS/signing-jwks.json" ENCRYPTION_KEYS_FILE="$KEYS/encryption-jwks.json" ;;
    revocation-worker-*) start_service "$1" TOPIC_REPLICATION_FACTOR=3 TOPIC_MIN_INSYNC_REPLICAS=2 ;;
    api-gateway-*) start_service "$1" HTTPS_PORT="${HTTPS[$1]}" \
      JWKS_URI="http://localhost:${PORT[token-checker-1]}/common/discovery/v2.0/keys" ;;
  esac
}

start_group() { # parts... : start those not running together, then wait for each
  local started=()
  for part in "$@"; do
    if is_alive "$part"; then log "$part already running (pid $(pid_of "$part"))"; continue; fi
    log "starting $part"
    start_part "$part" || return 1
    started+=("$part")
  done
  for part in "$@"; do wait_healthy "$part" || return 1; done
}

start_all() {
  mkdir -p "$LOGS" "$PIDS" "$KEYS"
  ensure_built
  ensure_tls
  start_group "${BROKERS[@]}" || return 1
  local any=0
  for n in "${REDIS_NODES[@]}"; do is_alive "$n" && any=1; done
  if [ "$any" = 0 ]; then
    # a fresh Redis Cluster each time it starts from nothing: the workers rebuild the view from the Kafka log
    for n in "${REDIS_NODES[@]}"; do rm -rf "${STATE:?}/$n"; done
  fi
  start_group "${REDIS_NODES[@]}" || return 1
  form_redis_cluster || return 1
  # the first token-checker creates the shared key files; then the rest together
  start_group token-checker-1 || return 1
  start_group token-checker-2 revocation-worker-1 revocation-worker-2 revocation-worker-3 api-gateway-1 api-gateway-2 || return 1
}

print_endpoints() {
  cat <<TEXT

The cluster is up. Endpoints:
  api-gateway (Graph)   http://localhost:${PORT[api-gateway-1]}/v1.0   http://localhost:${PORT[api-gateway-2]}/v1.0   https: ${HTTPS[api-gateway-1]}, ${HTTPS[api-gateway-2]}
  token-checker         https://localhost:${HTTPS[token-checker-1]}/{tenant}/oauth2/v2.0/token   https://localhost:${HTTPS[token-checker-2]}/...   http: ${PORT[token-checker-1]}, ${PORT[token-checker-2]}
  revocation-worker     http://localhost:${PORT[revocation-worker-1]}/actuator/health  (also ${PORT[revocation-worker-2]}, ${PORT[revocation-worker-3]})
  Kafka $BOOTSTRAP
  Redis Cluster $REDIS_SEEDS
  logs: .local-cluster/logs/   CA for curl: .local-cluster/tls/ca.pem   status: ./run-local.sh --cluster --status
TEXT
}

case "${1:-}" in
  --status)
    all=0
    for part in "${PARTS[@]}"; do
      line="$(status_line "$part")"; echo "$line"
      [[ "$line" == *" healthy "* ]] || all=1
    done
    exit "$all" ;;
  --stop)
    stop_all; exit 0 ;;
  --detach)
    if start_all; then print_endpoints; exit 0; fi
    echo "run-local.sh --cluster: the cluster did not become healthy (parts left running: see ./run-local.sh --cluster --status)" >&2
    exit 1 ;;
  "")
    trap 'echo; log "stopping"; stop_all; exit 0' INT TERM
    if ! start_all; then stop_all; exit 1; fi
    print_endpoints
    echo "Running in the foreground; Ctrl-C stops everything."
    while true; do sleep 1 & wait $!; done ;;
  *)
    echo "usage: ./run-local.sh --cluster [--detach | --status | --stop]" >&2; exit 2 ;;
esac
