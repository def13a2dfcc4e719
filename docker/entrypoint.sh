#!/bin/sh
# The image's entrypoint. The first argument names a role of the compose fleet:
#
#   init          creates the keys once (keys volume), the mesh identities of the authority and
#                 the coordinator, and the enrolment folder every node reads: root.signed and
#                 the two peer ids. Safe to run again: it creates only what is missing.
#   authority     runs the authority with the identity made by init and every bundle in
#                 $PATCHMESH_DATA/bundles
#   coordinator   runs the coordinator (HTTP API and dashboard on port $PATCHMESH_HTTP_PORT)
#   node          runs a node, bootstrapping from the authority and reporting to the coordinator
#
# Further arguments go to the patchmesh command (e.g. `node --site leeds --ring canary`).
# Anything else runs patchmesh itself (`--help`, `keys init`, `publish`, `approve`, ...).
#
# Paths and addresses come from the environment, with the defaults the image and
# docker/compose.yaml use: PATCHMESH_KEYS, PATCHMESH_ENROL, PATCHMESH_DATA, PATCHMESH_LISTEN_HOST,
# PATCHMESH_PORT (mesh), PATCHMESH_HTTP_PORT, PATCHMESH_AUTHORITY_ADDR and
# PATCHMESH_COORDINATOR_ADDR (HOST:PORT of their mesh ports), PATCHMESH_HEALTH_FILE.
set -eu

app=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
keys=${PATCHMESH_KEYS:-/etc/patchmesh/keys}
enrol=${PATCHMESH_ENROL:-/etc/patchmesh/enrol}
data=${PATCHMESH_DATA:-/var/lib/patchmesh}
listen_host=${PATCHMESH_LISTEN_HOST:-0.0.0.0}
port=${PATCHMESH_PORT:-4001}
http_port=${PATCHMESH_HTTP_PORT:-7341}
authority=${PATCHMESH_AUTHORITY_ADDR:-authority:4001}
coordinator=${PATCHMESH_COORDINATOR_ADDR:-coordinator:4001}
health=${PATCHMESH_HEALTH_FILE:-/tmp/patchmesh.health}

patchmesh() {
  node "$app/bin/patchmesh.js" "$@"
}

# /dns4/HOST/tcp/PORT/p2p/ID for HOST:PORT and the peer id init wrote for a head office role.
mesh_address() {
  peer_file="$enrol/$2.peer"
  if [ ! -s "$peer_file" ]; then
    echo "patchmesh: $peer_file is missing: run the init service first" >&2
    exit 1
  fi
  echo "/dns4/${1%:*}/tcp/${1##*:}/p2p/$(cat "$peer_file")"
}

# Puts the identity init made for ROLE into the data directory, so the peer id is the one the
# nodes were given, and notes for the health check what to probe.
prepare_daemon() {
  mkdir -p "$data"
  chmod 700 "$data"
  if [ -n "${2:-}" ]; then
    identity="$keys/mesh/$2/identity.key"
    if [ ! -s "$identity" ]; then
      echo "patchmesh: $identity is missing: run the init service first" >&2
      exit 1
    fi
    cp "$identity" "$data/identity.key.tmp"
    chmod 600 "$data/identity.key.tmp"
    mv "$data/identity.key.tmp" "$data/identity.key"
  fi
  http=''
  [ "$1" = coordinator ] && http=",\"http\":\"127.0.0.1:$http_port\""
  printf '{"role":"%s","port":%s%s}\n' "$1" "$port" "$http" >"$health"
}

role=${1:-}
[ $# -gt 0 ] && shift

case "$role" in
  init)
    if [ ! -s "$keys/root.signed" ]; then
      patchmesh keys init --keys "$keys" "$@"
    fi
    mkdir -p "$enrol"
    cp "$keys/root.signed" "$enrol/root.signed.tmp"
    mv "$enrol/root.signed.tmp" "$enrol/root.signed"
    for service in authority coordinator; do
      node "$app/docker/identity.ts" "$keys/mesh/$service" >"$enrol/$service.peer.tmp"
      mv "$enrol/$service.peer.tmp" "$enrol/$service.peer"
      echo "$service peer id: $(cat "$enrol/$service.peer")"
    done
    echo "enrolment for nodes in $enrol: root.signed, authority.peer, coordinator.peer"
    ;;
  authority)
    prepare_daemon authority authority
    set -- --keys "$keys" --data "$data" --listen "/ip4/$listen_host/tcp/$port" "$@"
    for bundle in "$data"/bundles/*; do
      [ -d "$bundle" ] && set -- "$@" --bundle "$bundle"
    done
    exec node "$app/bin/patchmesh.js" authority start "$@"
    ;;
  coordinator)
    bootstrap=$(mesh_address "$authority" authority)
    prepare_daemon coordinator coordinator
    exec node "$app/bin/patchmesh.js" coordinator start --keys "$keys" --data "$data" \
      --http "$listen_host:$http_port" --listen "/ip4/$listen_host/tcp/$port" \
      --bootstrap "$bootstrap" "$@"
    ;;
  node)
    bootstrap=$(mesh_address "$authority" authority)
    report_to=$(mesh_address "$coordinator" coordinator)
    prepare_daemon node
    exec node "$app/bin/patchmesh.js" node start --root "$enrol/root.signed" --data "$data" \
      --listen "/ip4/$listen_host/tcp/$port" --bootstrap "$bootstrap" --coordinator "$report_to" "$@"
    ;;
  *)
    exec node "$app/bin/patchmesh.js" ${role:+"$role"} "$@"
    ;;
esac
