#!/usr/bin/env bash
# Builds every image the system needs WITHOUT any image registry, from Debian's packages and Maven Central only:
#
#   revocation/base:bookworm      Debian bookworm (debootstrap, minbase) with OpenJDK 17 JRE, redis-server, bash
#   revocation/redis:7            Redis 7 from Debian's redis-server, on that base (drop-in for redis:7)
#   revocation/kafka:4.2.1        Kafka in KRaft mode from the Maven Central jars local-stack uses, configured from
#                                 KAFKA_* variables like the official apache/kafka image (drop-in for apache/kafka:4.2.1)
#   revocation/<service>:local    api-gateway, revocation-worker, token-checker from their Dockerfiles on that base
#                                 (with --services; needs the jars: ./mvnw -DskipTests package)
#
#   containers/build-images.sh [--rebuild] [--services]
#
# Idempotent: an image that exists is kept unless --rebuild. Prints how long each step took. Where Docker can reach a
# registry you do not need this script: the Dockerfiles and docker-compose.yml default to the official images.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${CONTAINERS_WORK:-$ROOT/.local/containers}"
KAFKA_VERSION=4.2.1
VERSION=0.1.0-SNAPSHOT
REBUILD=0; SERVICES=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    --services) SERVICES=1 ;;
    *) echo "usage: $0 [--rebuild] [--services]" >&2; exit 2 ;;
  esac
done

log() { printf '%s build-images: %s\n' "$(date +%H:%M:%S)" "$*"; }
have() { [ "$REBUILD" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }
quiet_build() { # docker build arguments...: its output only when it fails (the 28.x client also warns that the
  # legacy builder is deprecated; BuildKit's buildx plugin is not in Debian's docker.io)
  local out; out="$(docker build -q "$@" 2>&1)" || { echo "$out" >&2; return 1; }
}
step() { # name, command...
  local name="$1" t0=$SECONDS; shift
  "$@"
  log "$name: $((SECONDS - t0)) s"
}

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "build-images: no Docker daemon answers (DOCKER_HOST=${DOCKER_HOST:-unset}); containers/docker-daemon.sh start starts one" >&2
  exit 1
}
mkdir -p "$WORK"

debian_mirror() {
  local uri
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)"
  [ -n "$uri" ] || uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base() {
  command -v debootstrap >/dev/null 2>&1 || { echo "build-images: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  local rootfs="$WORK/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,redis-server,ca-certificates,passwd \
    bookworm "$rootfs" "$(debian_mirror)" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - revocation/base:bookworm >/dev/null
  rm -rf "$rootfs"
}

build_redis() {
  quiet_build -t revocation/redis:7 "$ROOT/containers/redis"
}

build_kafka() {
  local lib="$ROOT/local-stack/target/kafka-lib"
  if [ ! -d "$lib" ]; then
    log "Kafka's jars are not there yet: ./mvnw -B -q -pl local-stack generate-resources"
    (cd "$ROOT" && ./mvnw -B -q -pl local-stack generate-resources)
  fi
  local ctx="$WORK/kafka-context"
  rm -rf "$ctx" && mkdir -p "$ctx" && cp -r "$lib" "$ctx/libs" && cp "$ROOT/containers/kafka/"* "$ctx/"
  quiet_build --build-arg KAFKA_VERSION=$KAFKA_VERSION -t revocation/kafka:$KAFKA_VERSION "$ctx"
  rm -rf "$ctx"
}

build_service() {
  local name="$1" jar="$ROOT/$1/target/$1-$VERSION.jar"
  [ -f "$jar" ] || { log "$jar missing: ./mvnw -B -q -DskipTests package"; (cd "$ROOT" && ./mvnw -B -q -DskipTests package); }
  quiet_build --build-arg BASE_IMAGE=revocation/base:bookworm -f "$ROOT/$name/Dockerfile" -t "revocation/$name:local" "$ROOT"
}

T0=$SECONDS
if have revocation/base:bookworm; then log "revocation/base:bookworm exists"; else step "revocation/base:bookworm (debootstrap + import)" build_base; fi
if have revocation/redis:7; then log "revocation/redis:7 exists"; else step "revocation/redis:7" build_redis; fi
if have revocation/kafka:$KAFKA_VERSION; then log "revocation/kafka:$KAFKA_VERSION exists"; else step "revocation/kafka:$KAFKA_VERSION" build_kafka; fi
if [ "$SERVICES" = 1 ]; then
  for s in token-checker revocation-worker api-gateway; do step "revocation/$s:local" build_service "$s"; done
fi
log "done in $((SECONDS - T0)) s"
