#!/usr/bin/env bash
# Runs Debian's docker-registry (CNCF Distribution 2.8) on 127.0.0.1 with a free port and
# throw-away storage, for end-to-end tests and the demo. Several can run at once, one per STATEDIR.
#
# Usage: eng/testbed/registry.sh start [--htpasswd USER:PASS] [--tls] [STATEDIR]
#        eng/testbed/registry.sh stop  [STATEDIR]
#        eng/testbed/registry.sh env   [STATEDIR]
# STATEDIR defaults to <repo>/artifacts/testbed/registry. `start` writes STATEDIR/env:
#   SC_TEST_REGISTRY=localhost:PORT   (localhost, not 127.0.0.1: the SDK treats only localhost as
#                                      an insecure, plain-HTTP registry)
#   SC_TEST_REGISTRY_PID=...  SC_TEST_REGISTRY_STORAGE=...
#   SC_TEST_REGISTRY_USER=... SC_TEST_REGISTRY_PASSWORD=...   (only with --htpasswd)
# With --tls the registry serves HTTPS with a certificate for 127.0.0.1 and localhost from a throw-away test CA, and is
# named 127.0.0.1:PORT (a name the SDK does not treat as insecure, so the certificate is really checked):
#   SC_TEST_REGISTRY=127.0.0.1:PORT  SC_TEST_REGISTRY_CA=STATEDIR/tls/ca.pem (trust it for the run; never installed here)
# `start` on a STATEDIR whose registry still answers does nothing (idempotent).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

log() { echo "registry: $*" >&2; }
die() { echo "registry: ERROR: $*" >&2; exit 1; }

cmd=${1:-}; [ $# -gt 0 ] && shift
htpasswd_creds=""
tls=""
state=""
while [ $# -gt 0 ]; do
  case $1 in
    --htpasswd) [ $# -ge 2 ] || die "--htpasswd needs USER:PASS"; htpasswd_creds=$2; shift 2 ;;
    --htpasswd=*) htpasswd_creds=${1#--htpasswd=}; shift ;;
    --tls) tls=1; shift ;;
    -*) die "unknown option $1" ;;
    *) state=$1; shift ;;
  esac
done
# Absolute, because config.yml and env hold paths that must not depend on the caller's cwd.
state=$(realpath -m "${state:-$repo/artifacts/testbed/registry}")

# HTTP status of GET /v2/ ("000" when nothing answers); 200 open, 401 when auth is on.
probe() {
  if [ -n "$tls" ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$state/tls/ca.pem" "https://127.0.0.1:$1/v2/" || true
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://localhost:$1/v2/" || true
  fi
}

# A test CA and a server certificate for 127.0.0.1 and localhost, valid for a day: enough for one run.
make_certificates() {
  local dir=$state/tls
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=SecureContainers test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 1 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
  rm -f "$dir/ca.key" "$dir/server.csr" "$dir/server.ext"
}

running() { # true when STATEDIR/env names a live registry process
  [ -f "$state/env" ] || return 1
  local pid
  pid=$(sed -n 's/^SC_TEST_REGISTRY_PID=//p' "$state/env")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  command -v docker-registry >/dev/null || die "docker-registry not found; run eng/install-deps.sh"
  if running; then
    log "already running: $(grep '^SC_TEST_REGISTRY=' "$state/env")"
    return 0
  fi
  stop_quietly
  mkdir -p "$state"
  local storage port pid auth="" code expected=200 attempt
  storage=$(mktemp -d "${TMPDIR:-/tmp}/testbed-registry.XXXXXX")
  if [ -n "$htpasswd_creds" ]; then
    command -v htpasswd >/dev/null || die "htpasswd not found (apache2-utils); run eng/install-deps.sh"
    case $htpasswd_creds in *:*) ;; *) die "--htpasswd expects USER:PASS" ;; esac
    # Distribution accepts only bcrypt entries.
    htpasswd -Bbn "${htpasswd_creds%%:*}" "${htpasswd_creds#*:}" >"$state/htpasswd"
    auth="auth:
  htpasswd:
    realm: testbed
    path: $state/htpasswd"
    expected=401
  fi
  local tls_config="" name_host=localhost
  if [ -n "$tls" ]; then
    command -v openssl >/dev/null || die "openssl not found"
    make_certificates
    tls_config="  tls:
    certificate: $state/tls/server.pem
    key: $state/tls/server.key"
    name_host=127.0.0.1
  fi
  # A port picked now can be taken before the registry binds it; retry with another one.
  for attempt in 1 2 3; do
    port=$(free_port)
    cat >"$state/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: testbed-not-a-secret
$tls_config
$auth
EOF
    setsid docker-registry serve "$state/config.yml" >"$state/registry.log" 2>&1 </dev/null &
    pid=$!
    code=000
    for _ in $(seq 1 100); do
      code=$(probe "$port")
      [ "$code" = 000 ] || break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [ "$code" != 000 ] && break
    kill "$pid" 2>/dev/null || true
    log "attempt $attempt: registry did not answer on port $port; log:"; tail -n5 "$state/registry.log" >&2
  done
  [ "$code" = "$expected" ] || { kill "$pid" 2>/dev/null || true; rm -rf "$storage"
    die "GET /v2/ answered $code, expected $expected (see $state/registry.log)"; }
  {
    echo "SC_TEST_REGISTRY=$name_host:$port"
    [ -z "$tls" ] || echo "SC_TEST_REGISTRY_CA=$state/tls/ca.pem"
    echo "SC_TEST_REGISTRY_PID=$pid"
    echo "SC_TEST_REGISTRY_STORAGE=$storage"
    if [ -n "$htpasswd_creds" ]; then
      echo "SC_TEST_REGISTRY_USER=${htpasswd_creds%%:*}"
      echo "SC_TEST_REGISTRY_PASSWORD=${htpasswd_creds#*:}"
    fi
  } >"$state/env.tmp"
  mv "$state/env.tmp" "$state/env"
  log "started $name_host:$port (pid $pid${htpasswd_creds:+, basic auth}${tls:+, TLS}) state $state"
}

stop_quietly() {
  [ -f "$state/env" ] || return 0
  local pid storage
  pid=$(sed -n 's/^SC_TEST_REGISTRY_PID=//p' "$state/env")
  storage=$(sed -n 's/^SC_TEST_REGISTRY_STORAGE=//p' "$state/env")
  # Only kill the pid if it is still a docker-registry we started (pids get reused).
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = docker-registry ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  case $storage in "${TMPDIR:-/tmp}"/testbed-registry.*) rm -rf "$storage" ;; esac
  rm -f "$state/env"
}

case $cmd in
  start) start ;;
  stop) stop_quietly; log "stopped ($state)" ;;
  env) [ -f "$state/env" ] || die "no registry state in $state; run: $0 start $state"; cat "$state/env" ;;
  *) echo "usage: $0 start [--htpasswd USER:PASS] [--tls] [STATEDIR] | stop [STATEDIR] | env [STATEDIR]" >&2; exit 2 ;;
esac
