#!/usr/bin/env bash
# Runs the offline Sigstore test bed (eng/sigstore-mock/server.mjs): the sigstore project's mock Fulcio, Rekor and
# TSA plus a GitHub-Actions-style OIDC token endpoint, on 127.0.0.1 with a port the server picks itself. Nothing
# reaches the internet; keyless tests sign against it and verify against its trusted root.
#
# Usage: eng/testbed/sigstore.sh start STATEDIR
#        eng/testbed/sigstore.sh stop  STATEDIR
# `start` installs the npm modules when missing (`npm ci`), starts the server detached, waits until it wrote
# STATEDIR/env, and leaves there:
#   STATEDIR/trusted_root.json   the mock CA, Rekor key, CT log and TSA (sigstore TrustedRoot JSON)
#   STATEDIR/env                 SC_SIGSTORE_FULCIO_URL, SC_SIGSTORE_REKOR_URL, SC_SIGSTORE_TSA_URL,
#                                SC_SIGSTORE_TRUSTED_ROOT, SC_SIGSTORE_OIDC_ISSUER, SC_SIGSTORE_IDENTITY,
#                                SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN, SC_SIGSTORE_MOCK_PID
# `start` on a STATEDIR whose server still runs does nothing (idempotent); several can run at once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mock="$here/../sigstore-mock"

log() { echo "sigstore-mock: $*" >&2; }
die() { echo "sigstore-mock: ERROR: $*" >&2; exit 1; }

cmd=${1:-}
[ $# -ge 2 ] || die "usage: sigstore.sh start|stop STATEDIR"
# Absolute, because env holds paths that must not depend on the caller's cwd.
state=$(realpath -m "$2")

pid_of() { [ -f "$state/env" ] && sed -n 's/^SC_SIGSTORE_MOCK_PID=//p' "$state/env"; }

running() {
  local pid
  pid=$(pid_of) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

stop_quietly() {
  local pid
  pid=$(pid_of || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$state/env" "$state/env.tmp" "$state/trusted_root.json" "$state/server.log"
}

start() {
  command -v node >/dev/null || die "node not found; install Node.js 20 or later"
  if running; then
    log "already running: $(grep '^SC_SIGSTORE_URL=' "$state/env")"
    return 0
  fi
  stop_quietly
  mkdir -p "$state"
  if [ ! -d "$mock/node_modules/@sigstore/mock" ]; then
    log "npm ci in eng/sigstore-mock"
    (cd "$mock" && npm ci --no-audit --no-fund --silent)
  fi
  # setsid + nohup: the server outlives this script and the test process's terminal.
  setsid nohup node "$mock/server.mjs" "$state" >"$state/server.log" 2>&1 </dev/null &
  local pid=$!
  # The server writes env last, after trusted_root.json, once it listens: its presence means ready.
  for _ in $(seq 1 150); do
    [ -f "$state/env" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -f "$state/env" ]; then
    kill "$pid" 2>/dev/null || true
    die "the server did not start; see $state/server.log: $(tail -n 5 "$state/server.log" 2>/dev/null | tr '\n' ' ')"
  fi
  log "serving $(sed -n 's/^SC_SIGSTORE_URL=//p' "$state/env") (pid $pid)"
}

case $cmd in
  start) start ;;
  stop) stop_quietly; log "stopped" ;;
  *) die "usage: sigstore.sh start|stop STATEDIR" ;;
esac
