#!/usr/bin/env bash
# Runs the whole system on this machine: a Kafka broker (KRaft, its own JVM, jars from Maven Central), a Redis server
# (redis-server on the PATH, else the binary shipped in a Maven Central artifact), then token-checker,
# revocation-worker and api-gateway as separate JVMs. Needs only a JDK 17+. State lives under .local/.
#
#   ./run-local.sh            start everything, stay in the foreground, stop everything on Ctrl-C / SIGTERM
#   ./run-local.sh --detach   start what is not running, return once every part is healthy
#   ./run-local.sh --status   one line per part: NAME PID STATE (healthy | starting | down); exit 0 only if all healthy
#   ./run-local.sh --stop     stop a detached system (only the processes this script started)
#   ./run-local.sh --cluster [--detach | --status | --stop]   the highly-available topology (local-stack/run-cluster.sh)
set -uo pipefail
if [ "${1:-}" = "--cluster" ]; then shift; exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/local-stack/run-cluster.sh" "$@"; fi
SERVICE_JVM_OPTIONS="${SERVICE_JVM_OPTIONS:--Xms64m -Xmx256m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=160m -Xss512k -XX:+UseSerialGC}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
STATE="$ROOT/.local"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
TLS="$STATE/tls"
KEYS="$STATE/keys"

GATEWAY_PORT="${GATEWAY_PORT:-8080}"
GATEWAY_HTTPS_PORT="${GATEWAY_HTTPS_PORT:-8444}"
TOKEN_CHECKER_PORT="${TOKEN_CHECKER_PORT:-8081}"
TOKEN_CHECKER_HTTPS_PORT="${TOKEN_CHECKER_HTTPS_PORT:-8443}"
WORKER_PORT="${WORKER_PORT:-8082}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${REDIS_PORT:-6380}"
START_TIMEOUT="${START_TIMEOUT:-120}"

VERSION=0.1.0-SNAPSHOT
PARTS=(kafka redis token-checker revocation-worker api-gateway)

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$JAVA" >/dev/null 2>&1 || { echo "run-local.sh: a JDK 17+ is needed (java not found)" >&2; exit 1; }
KEYTOOL="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/keytool"

# --- process bookkeeping (shared with the cluster: local-stack/processes.sh) ------------------------------------------
source "$ROOT/local-stack/processes.sh"

redis_pong() {
  (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && IFS= read -r -t 2 line <&3 && [[ "$line" == +PONG* ]]) 2>/dev/null
}

is_healthy() {
  case "$1" in
    kafka) is_alive kafka && port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$LOGS/kafka.log" 2>/dev/null ;;
    redis) is_alive redis && redis_pong ;;
    token-checker) is_alive token-checker && http_up "$TOKEN_CHECKER_PORT" ;;
    revocation-worker) is_alive revocation-worker && http_up "$WORKER_PORT" ;;
    api-gateway) is_alive api-gateway && http_up "$GATEWAY_PORT" ;;
  esac
}

status_line() {
  local state=down pid=-
  if is_alive "$1"; then
    pid="$(pid_of "$1")"
    if is_healthy "$1"; then state=healthy; else state=starting; fi
  fi
  echo "$1 $pid $state"
}

# --- build and materials -------------------------------------------------------------------------------------------
ensure_built() {
  local missing=0
  for m in token-checker revocation-worker api-gateway; do [ -f "$(jar_of "$m")" ] || missing=1; done
  [ -d "$ROOT/local-stack/target/kafka-lib" ] || missing=1
  if [ "$missing" = 1 ]; then
    log "building the services (./mvnw -B -q -DskipTests package)"
    "$ROOT/mvnw" -B -q -DskipTests package || { echo "run-local.sh: build failed" >&2; exit 1; }
  fi
}

# --- starting each part --------------------------------------------------------------------------------------------
start_kafka() {
  local dir="$STATE/kafka" lib="$ROOT/local-stack/target/kafka-lib"
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | cut -c1-22)"
    "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$lib/*" kafka.tools.StorageTool format \
      -t "$id" -c "$dir/server.properties" --ignore-formatted > "$LOGS/kafka-format.log" 2>&1 \
      || { echo "run-local.sh: Kafka storage format failed, see $LOGS/kafka-format.log" >&2; return 1; }
  fi
  launch kafka "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -cp "$lib/*" kafka.Kafka "$dir/server.properties"
}

start_redis() {
  mkdir -p "$STATE/redis"
  launch redis "$(redis_binary)" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" \
    --save '' --appendonly yes --appendfsync everysec
}

service_env() {
  echo KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" REDIS_HOST=localhost REDIS_PORT="$REDIS_PORT" \
    TLS_KEYSTORE="$TLS/keystore.p12" TLS_KEYSTORE_PASSWORD=changeit \
    ISSUER_BASE_URL="https://localhost:$TOKEN_CHECKER_HTTPS_PORT"
}

start_service() { # name, http port, extra env...
  local part="$1" port="$2"; shift 2
  service_launch_args "$part"
  log "$part: $LAUNCH_NOTE"
  # heap 256 MB; bounded code cache, metaspace and stacks, one GC thread, 2 malloc arenas: RSS stays under 400 MB
  launch "$part" env $(service_env) SERVER_PORT="$port" MALLOC_ARENA_MAX=2 "$@" \
    "$JAVA" $SERVICE_JVM_OPTIONS "${LAUNCH_ARGS[@]}"
}

start_part() {
  case "$1" in
    kafka) start_kafka ;;
    redis) start_redis ;;
    token-checker) start_service token-checker "$TOKEN_CHECKER_PORT" HTTPS_PORT="$TOKEN_CHECKER_HTTPS_PORT" \
      SIGNING_KEYS_FILE="$KEYS/signing-jwks.json" ENCRYPTION_KEYS_FILE="$KEYS/encryption-jwks.json" ;;
    revocation-worker) start_service revocation-worker "$WORKER_PORT" ;;
    api-gateway) start_service api-gateway "$GATEWAY_PORT" HTTPS_PORT="$GATEWAY_HTTPS_PORT" \
      JWKS_URI="http://localhost:$TOKEN_CHECKER_PORT/common/discovery/v2.0/keys" ;;
  esac
}

start_all() {
  mkdir -p "$LOGS" "$PIDS" "$KEYS"
  ensure_built
  ensure_tls
  for part in "${PARTS[@]}"; do
    if is_alive "$part"; then
      if is_healthy "$part"; then log "$part already running (pid $(pid_of "$part"))"; continue; fi
      wait_healthy "$part" && continue
      stop_part "$part"
    fi
    log "starting $part"
    start_part "$part" || return 1
    wait_healthy "$part" || return 1
  done
}

print_walkthrough() {
  cat <<EOF

The system is up. Endpoints:
  api-gateway (Graph)   http://localhost:$GATEWAY_PORT/v1.0   https://localhost:$GATEWAY_HTTPS_PORT/v1.0   (and /beta)
  token-checker         https://localhost:$TOKEN_CHECKER_HTTPS_PORT/{tenant}/oauth2/v2.0/token   http://localhost:$TOKEN_CHECKER_PORT
  revocation-worker     http://localhost:$WORKER_PORT/actuator/health
  admin console         http://localhost:$GATEWAY_PORT/admin   sign in as adele@contoso.test / adele-Passw0rd! (Global Administrator)
  Kafka localhost:$KAFKA_PORT   Redis localhost:$REDIS_PORT   logs: .local/logs/   CA for curl: .local/tls/ca.pem

Try it (README.md, "Walkthrough"):
  TC=https://localhost:$TOKEN_CHECKER_HTTPS_PORT/contoso.test/oauth2/v2.0/token
  curl -s --cacert .local/tls/ca.pem \$TC -d grant_type=password -d client_id=2bb55943-ddd6-48cc-8e79-2ef1dd045656 \\
       -d username=bob@contoso.test -d 'password=bob-Passw0rd!' -d 'scope=openid profile offline_access User.Read'
EOF
}

case "${1:-}" in
  --status)
    all=0
    for part in "${PARTS[@]}"; do
      line="$(status_line "$part")"; echo "$line"
      [[ "$line" == *" healthy" ]] || all=1
    done
    exit "$all" ;;
  --stop)
    stop_all; exit 0 ;;
  --detach)
    if start_all; then print_walkthrough; exit 0; fi
    echo "run-local.sh: the system did not become healthy (parts left running: see ./run-local.sh --status)" >&2
    exit 1 ;;
  "")
    trap 'echo; log "stopping"; stop_all; exit 0' INT TERM
    if ! start_all; then stop_all; exit 1; fi
    print_walkthrough
    echo "Running in the foreground; Ctrl-C stops everything."
    while true; do sleep 1 & wait $!; done ;;
  -h|--help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *)
    echo "usage: ./run-local.sh [--cluster] [--detach | --status | --stop]" >&2; exit 2 ;;
esac
