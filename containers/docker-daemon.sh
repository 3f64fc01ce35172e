#!/usr/bin/env bash
# Starts a Docker daemon for this work tree when none answers, and stops exactly the one it started.
#
#   containers/docker-daemon.sh start   install docker.io with apt when missing (root only), start dockerd with its data
#                                       under .local/docker when no daemon answers; prints the DOCKER_HOST to use
#   containers/docker-daemon.sh stop    stop the daemon this script started (by its recorded PID) and remove the
#                                       network state it left (docker0, its iptables/nft chains, ip_forward)
#   containers/docker-daemon.sh status  exit 0 when a daemon answers
#
# Used by .ci/run; safe to run by hand. A daemon that was already running is used as it is and never stopped.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.local/docker"
PIDFILE="$STATE/dockerd.pid"
SOCK="$STATE/docker.sock"
STARTED="$STATE/started-by-us"

log() { printf '%s docker-daemon: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

answers() { # [host]
  if [ -n "${1:-}" ]; then DOCKER_HOST="$1" docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else docker version --format '{{.Server.Version}}' >/dev/null 2>&1; fi
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${missing[*]} and cannot install them (needs root and apt-get)"; return 1
  fi
  local t0=$SECONDS
  log "installing ${missing[*]} with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$STATE/apt.log" 2>&1 \
    || { log "apt-get failed; see $STATE/apt.log"; return 1; }
  log "installed in $((SECONDS - t0)) s"
}

start() {
  mkdir -p "$STATE"
  if answers "${DOCKER_HOST:-}"; then log "a Docker daemon already answers; using it"; echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; return 0; fi
  if answers "unix://$SOCK"; then echo "unix://$SOCK"; return 0; fi
  install_packages || return 1
  command -v dockerd >/dev/null 2>&1 || { log "no dockerd"; return 1; }
  local t0=$SECONDS
  rm -f "$SOCK" "$PIDFILE"
  # the firewall as it was, so that stop can put it back exactly (dockerd adds chains, NAT rules, a FORWARD policy)
  if command -v iptables-save >/dev/null 2>&1; then iptables-save > "$STATE/iptables.before" 2>/dev/null || true; fi
  cat /proc/sys/net/ipv4/ip_forward > "$STATE/ip_forward.before" 2>/dev/null || true
  setsid dockerd --host "unix://$SOCK" --data-root "$STATE/data" --exec-root "$STATE/exec" --pidfile "$PIDFILE" \
    >"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! > "$STATE/dockerd.launcher.pid"
  touch "$STARTED"
  for _ in $(seq 1 120); do
    if answers "unix://$SOCK"; then log "dockerd answered in $((SECONDS - t0)) s (pid $(cat "$PIDFILE" 2>/dev/null))"; echo "unix://$SOCK"; return 0; fi
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; last lines of $STATE/dockerd.log:"; tail -n 20 "$STATE/dockerd.log" >&2
  return 1
}

stop() {
  [ -f "$STARTED" ] || { log "no daemon started by this script"; return 0; }
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || cat "$STATE/dockerd.launcher.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
    # containers first, so that nothing keeps the daemon's mounts busy
    DOCKER_HOST="unix://$SOCK" docker ps -q 2>/dev/null | xargs -r env DOCKER_HOST="unix://$SOCK" docker kill >/dev/null 2>&1
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 60); do [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break; sleep 0.5; done
    [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    log "dockerd stopped (pid $pid)"
  fi
  # containerd started by dockerd as its child, if it outlived it
  local cpid; cpid="$(cat "$STATE/exec/containerd/containerd.pid" 2>/dev/null || true)"
  [ -n "$cpid" ] && [ -d "/proc/$cpid" ] && kill -TERM "$cpid" 2>/dev/null
  # the network state dockerd leaves behind (INFRA.md section 5): the firewall as it was before the start, no
  # docker0 or bridge links, ip_forward as it was
  if command -v iptables >/dev/null 2>&1; then
    if [ -s "$STATE/iptables.before" ] && grep -q '^\*' "$STATE/iptables.before"; then
      for table in filter nat; do iptables -t "$table" -F 2>/dev/null; iptables -t "$table" -X 2>/dev/null; done
      iptables-restore < "$STATE/iptables.before" 2>/dev/null
    else # there was no firewall at all: everything in it is dockerd's
      for table in filter nat; do iptables -t "$table" -F 2>/dev/null; iptables -t "$table" -X 2>/dev/null; done
      iptables -P FORWARD ACCEPT 2>/dev/null
      if command -v nft >/dev/null 2>&1; then nft delete table ip nat 2>/dev/null; nft delete table ip filter 2>/dev/null; fi
    fi
  fi
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(docker0|br-[0-9a-f]+|veth)'); do
    ip link delete "$link" 2>/dev/null
  done
  cat "$STATE/ip_forward.before" > /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo 0 > /proc/sys/net/ipv4/ip_forward 2>/dev/null
  rm -f "$STARTED" "$PIDFILE" "$STATE/dockerd.launcher.pid"
  log "network state removed"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers "${DOCKER_HOST:-}" || answers "unix://$SOCK" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
