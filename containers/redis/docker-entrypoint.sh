#!/bin/sh
# As the official image does: a bare redis-server listens on every interface (the container's network is the boundary)
# and keeps its data in /data.
set -e
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
