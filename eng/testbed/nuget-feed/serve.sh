#!/usr/bin/env bash
# Serves a static NuGet v3 feed with vulnerability data (VulnerabilityInfo/6.7.0) on 127.0.0.1 with a free port,
# for the vulnerability gate's tests: NuGet.Protocol reads it exactly as it reads nuget.org's audit data.
#
# Usage: eng/testbed/nuget-feed/serve.sh start STATEDIR
#        eng/testbed/nuget-feed/serve.sh stop  STATEDIR
# `start` copies feed/ to STATEDIR/www with @BASE@ replaced by http://127.0.0.1:PORT (the port is only known
# then), runs `python3 -m http.server` on it, waits until index.json answers, and writes STATEDIR/env:
#   SC_TEST_NUGET_FEED=http://127.0.0.1:PORT/v3/index.json          (VulnerabilityInfo + PackageBaseAddress)
#   SC_TEST_NUGET_FEED_NO_VULN=http://127.0.0.1:PORT/novuln/index.json (PackageBaseAddress only: "no data")
#   SC_TEST_NUGET_FEED_PID=...
# `start` on a STATEDIR whose server still runs does nothing (idempotent); several can run at once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { echo "nuget-feed: $*" >&2; }
die() { echo "nuget-feed: ERROR: $*" >&2; exit 1; }

cmd=${1:-}
[ $# -ge 2 ] || die "usage: serve.sh start|stop STATEDIR"
# Absolute, because env holds paths that must not depend on the caller's cwd.
state=$(realpath -m "$2")

running() {
  [ -f "$state/env" ] || return 1
  local pid
  pid=$(sed -n 's/^SC_TEST_NUGET_FEED_PID=//p' "$state/env")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_quietly() {
  if [ -f "$state/env" ]; then
    local pid
    pid=$(sed -n 's/^SC_TEST_NUGET_FEED_PID=//p' "$state/env")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -rf "$state/www" "$state/env" "$state/server.log"
}

start() {
  command -v python3 >/dev/null || die "python3 not found; run eng/install-deps.sh"
  if running; then
    log "already running: $(grep '^SC_TEST_NUGET_FEED=' "$state/env")"
    return 0
  fi
  stop_quietly
  mkdir -p "$state"
  local port pid base attempt code
  # A port picked now can be taken before the server binds it; retry with another one.
  for attempt in 1 2 3; do
    port=$(free_port)
    base="http://127.0.0.1:$port"
    rm -rf "$state/www"
    cp -R "$here/feed" "$state/www"
    find "$state/www" -name '*.json' -exec sed -i "s|@BASE@|$base|g" {} +
    # setsid + nohup: the server outlives this script and the test process's terminal.
    setsid nohup python3 -m http.server "$port" --bind 127.0.0.1 --directory "$state/www" \
      >"$state/server.log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 50); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/v3/index.json" || true)
      [ "$code" = 200 ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if [ "$code" = 200 ]; then
      cat >"$state/env" <<ENV
SC_TEST_NUGET_FEED=$base/v3/index.json
SC_TEST_NUGET_FEED_NO_VULN=$base/novuln/index.json
SC_TEST_NUGET_FEED_PID=$pid
ENV
      log "serving $base/v3/index.json (pid $pid)"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    log "attempt $attempt on port $port failed: $(tail -n 3 "$state/server.log" 2>/dev/null | tr '\n' ' ')"
  done
  die "could not start the feed server; see $state/server.log"
}

case $cmd in
  start) start ;;
  stop) stop_quietly; log "stopped" ;;
  *) die "usage: serve.sh start|stop STATEDIR" ;;
esac
