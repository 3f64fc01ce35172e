#!/usr/bin/env bash
# Process bookkeeping shared by run-local.sh (single node) and local-stack/run-cluster.sh (--cluster): sourced, never
# run. The sourcing script sets ROOT, VERSION, STATE, LOGS, PIDS, TLS, KEYTOOL, START_TIMEOUT and PARTS (in start
# order), and defines is_healthy NAME; it may define part_detail NAME (text after the pid in "healthy" lines).

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

pid_of() { [ -f "$PIDS/$1.pid" ] && cat "$PIDS/$1.pid" || true; }
is_alive() {
  local pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_up() { curl -fsS --max-time 2 "http://127.0.0.1:$1/actuator/health" 2>/dev/null | grep -q '"UP"'; }
wait_healthy() {
  local part="$1" deadline=$((SECONDS + START_TIMEOUT))
  until is_healthy "$part"; do
    if ! is_alive "$part"; then
      log "$part exited; last lines of $LOGS/$part.log:"; tail -n 30 "$LOGS/$part.log" >&2; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$part not healthy after ${START_TIMEOUT}s; see $LOGS/$part.log"; return 1
    fi
    sleep 0.5
  done
  log "$part healthy (pid $(pid_of "$part")$(part_detail "$part"))"
}

stop_part() {
  local part="$1" pid; pid="$(pid_of "$part")"
  if [ -n "$pid" ] && is_alive "$part"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do is_alive "$part" || break; sleep 0.2; done
    if is_alive "$part"; then kill -KILL "$pid" 2>/dev/null; fi
    log "$part stopped (pid $pid)"
  fi
  rm -f "$PIDS/$part.pid"
}

stop_all() {
  for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do stop_part "${PARTS[$i]}"; done
}

jar_of() { echo "$ROOT/$1/target/$1-$VERSION.jar"; }

# The start-up cache of a service (README "Start-up time"): ./mvnw package leaves the extracted jar in
# MODULE/target/aot/app/ and a cache named after the java.vm.version of the JVM that made it (.jsa: CDS, JDK 17-24;
# .aot: AOT cache, JDK 25+). It is used only by that same JVM and only when newer than the jar; otherwise, or with
# SERVICE_AOT_CACHE=off, the plain jar starts as before. Sets LAUNCH_ARGS (after the JVM options) and LAUNCH_NOTE.
service_launch_args() { # module
  local module="$1" jar dir app cache
  jar="$(jar_of "$module")" dir="$ROOT/$module/target/aot" app="$ROOT/$module/target/aot/app/$module-$VERSION.jar"
  LAUNCH_ARGS=(-jar "$jar") LAUNCH_NOTE="no start-up cache"
  if [ "${SERVICE_AOT_CACHE:-on}" = off ]; then LAUNCH_NOTE="start-up cache off (SERVICE_AOT_CACHE=off)"; return; fi
  [ -n "${JAVA_VM_VERSION+set}" ] \
    || JAVA_VM_VERSION="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.vm\.version = //p')"
  [ -n "$JAVA_VM_VERSION" ] && [ -f "$app" ] || return 0
  for cache in "$dir/$JAVA_VM_VERSION.aot" "$dir/$JAVA_VM_VERSION.jsa"; do
    if [ -f "$cache" ] && [ "$cache" -nt "$jar" ]; then
      case "$cache" in
        *.aot) LAUNCH_ARGS=(-XX:AOTCache="$cache" -jar "$app") ;;
        *) LAUNCH_ARGS=(-XX:SharedArchiveFile="$cache" -jar "$app") ;;
      esac
      LAUNCH_NOTE="start-up cache ${cache#"$ROOT"/}"
      return 0
    fi
  done
}

ensure_tls() {
  [ -f "$TLS/keystore.p12" ] && [ -f "$TLS/truststore.p12" ] && [ -f "$TLS/ca.pem" ] && return 0
  log "generating a self-signed certificate for localhost / 127.0.0.1 in $TLS"
  mkdir -p "$TLS" && rm -f "$TLS"/keystore.p12 "$TLS"/truststore.p12 "$TLS"/ca.pem
  "$KEYTOOL" -genkeypair -alias localhost -keyalg RSA -keysize 2048 -validity 3650 -dname CN=localhost \
    -ext SAN=dns:localhost,ip:127.0.0.1 -keystore "$TLS/keystore.p12" -storetype PKCS12 \
    -storepass changeit -keypass changeit >/dev/null 2>&1
  "$KEYTOOL" -exportcert -rfc -alias localhost -keystore "$TLS/keystore.p12" -storetype PKCS12 \
    -storepass changeit -file "$TLS/ca.pem" >/dev/null 2>&1
  "$KEYTOOL" -importcert -noprompt -alias localhost -file "$TLS/ca.pem" -keystore "$TLS/truststore.p12" \
    -storetype PKCS12 -storepass changeit >/dev/null 2>&1
}

redis_binary() {
  if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return; fi
  local shipped="$ROOT/local-stack/target/redis/redis-server-6.2.6-v5-linux-amd64"
  chmod +x "$shipped" 2>/dev/null
  echo "$shipped"
}

launch() { # name, command...
  local part="$1"; shift
  : > "$LOGS/$part.log"
  setsid "$@" >>"$LOGS/$part.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$part.pid"
}

type part_detail >/dev/null 2>&1 || part_detail() { :; }
