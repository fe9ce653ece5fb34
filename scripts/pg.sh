#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, on 127.0.0.1 only, with trust auth. Never use it for real data.
#
#   scripts/pg.sh start     install PostgreSQL if needed, start the cluster, print its DSN
#   scripts/pg.sh dsn       the same, quietly: the DSN is the only output (start if needed)
#   scripts/pg.sh stop      stop the cluster (its files stay, so the next start is quick)
#   scripts/pg.sh restart   stop and start again (the fault tests use this)
#   scripts/pg.sh status    print the DSN and exit 0 if it is running, else exit 3
#
# REKINDLE_PG_DIR (default: .pg in the repo) holds the cluster; REKINDLE_PG_PORT (default 54329)
# is tried first, and the next free port after it is used when something else holds it.
# Only the DSN goes to stdout; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${REKINDLE_PG_DIR:-$ROOT/.pg}

# As root the server runs as the postgres user, who may not be able to enter the checkout
# (a clone under a closed home directory): then the cluster lives under /tmp instead.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 \
    && ! runuser -u postgres -- test -x "$(dirname "$DIR")" 2>/dev/null; then
  DIR=/tmp/rekindle-pg-$(echo "$DIR" | md5sum | cut -c1-12)
fi
DATA=$DIR/data
PORT_FILE=$DIR/port
LOGFILE=$DIR/server.log

say() { echo "pg.sh: $*" >&2; }

find_bin() {
  local name=$1 candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [ -x "$candidate" ] && { dirname "$candidate"; return 0; }
  done
  candidate=$(command -v "$name" 2>/dev/null) || return 1
  dirname "$(readlink -f "$candidate")"
}

ensure_installed() {
  if BIN=$(find_bin initdb) && [ -x "$BIN/pg_ctl" ] && [ -x "$BIN/pg_isready" ]; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || { say "PostgreSQL is not installed; run as root or install the postgresql package"; exit 1; }
  say "installing PostgreSQL from the Debian packages (once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  BIN=$(find_bin initdb) || { say "initdb not found after installing postgresql"; exit 1; }
}

# initdb and postgres refuse to run as root: as root, run them as the postgres OS user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_free() {
  # bash's /dev/tcp connect fails when nobody listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local port=${REKINDLE_PG_PORT:-54329}
  # A restart keeps its port, so DSNs handed out before stay valid.
  if [ -f "$PORT_FILE" ] && port_free "$(cat "$PORT_FILE")"; then
    cat "$PORT_FILE"
    return 0
  fi
  while ! port_free "$port"; do
    port=$((port + 1))
    [ "$port" -lt 65000 ] || { say "no free port found"; exit 1; }
  done
  echo "$port"
}

dsn() { echo "postgresql://postgres@127.0.0.1:$(cat "$PORT_FILE")/postgres"; }

running() {
  [ -f "$DATA/postmaster.pid" ] && [ -f "$PORT_FILE" ] && [ -n "${BIN:-}" ] \
    && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
  mkdir -p "$DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
    if ! runuser -u postgres -- test -w "$DIR"; then
      say "the postgres user cannot reach $DIR (a parent directory is closed); set REKINDLE_PG_DIR"
      exit 1
    fi
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a test cluster in $DATA"
    rm -rf "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Loopback only, no Unix socket (its path could be too long or unwritable), tuned for throwaway data.
    cat >>"$DATA/postgresql.conf" <<'EOF'
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
}

start() {
  ensure_installed
  if running; then
    return 0
  fi
  init_cluster
  local port
  port=$(pick_port)
  echo "$port" >"$PORT_FILE"
  rm -f "$LOGFILE"
  [ "$(id -u)" -ne 0 ] || { touch "$LOGFILE"; chown postgres: "$LOGFILE" "$PORT_FILE"; }
  say "starting PostgreSQL on 127.0.0.1:$port"
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -o "-p $port" -w -t 60 start >/dev/null 9>&-; then
    say "PostgreSQL did not start; its log:"
    tail -n 30 "$LOGFILE" >&2 || true
    exit 1
  fi
  local tries=0
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { say "PostgreSQL is not accepting connections"; exit 1; }
    sleep 0.25
  done
}

stop() {
  BIN=$(find_bin pg_ctl) || return 0
  if running; then
    say "stopping PostgreSQL"
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
}

# Two starts at once (two test runs) must not race over initdb or the port.
locked() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  "$@"
}

case "${1:-}" in
  start) locked start; dsn ;;
  dsn) locked start; dsn ;;
  stop) locked stop ;;
  restart) locked stop; locked start; dsn ;;
  status)
    BIN=$(find_bin pg_ctl) || exit 3
    if running; then dsn; else exit 3; fi
    ;;
  *) echo "usage: $0 start|dsn|stop|restart|status" >&2; exit 2 ;;
esac
