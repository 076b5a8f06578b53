#!/usr/bin/env bash
# A loopback-only PostgreSQL for the tests and the benchmark, on Debian 12, as root, without systemd:
#   127.0.0.1:15432, role kansoku (password: secret), database kansoku; data in $DIR/data.
#   The connection string is printed by `url` and is what KANSOKU_TEST_PG defaults to.
#
#   scripts/pg-stack.sh up      install (if missing), initialise, start; idempotent
#   scripts/pg-stack.sh down    stop the server
#   scripts/pg-stack.sh url     print the connection string
set -euo pipefail
DIR=${KANSOKU_PGTEST_DIR:-/tmp/kansoku-pgtest}
PORT=${KANSOKU_PGTEST_PORT:-15432}
URL="postgres://kansoku:secret@127.0.0.1:$PORT/kansoku"

install() {
  if [ -x /usr/lib/postgresql/15/bin/postgres ] && command -v pg_config >/dev/null; then return 0; fi
  # The image's policy-rc.d keeps the package from starting a cluster on the standard port.
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 libpq-dev >/dev/null
}

bin() { echo "/usr/lib/postgresql/15/bin/$1"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

up() {
  install
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  if [ ! -s "$DIR/data/PG_VERSION" ]; then
    local pw="$DIR/pw"
    echo secret > "$pw"
    [ "$(id -u)" = 0 ] && chown postgres: "$pw"
    as_pg "$(bin initdb)" -D "$DIR/data" -U kansoku --pwfile="$pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
  fi
  if ! as_pg "$(bin pg_ctl)" -D "$DIR/data" status >/dev/null 2>&1; then
    # fsync off: a test server's data is thrown away; durability is not what is being tested here.
    as_pg "$(bin pg_ctl)" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
  fi
  PGPASSWORD=secret psql -h 127.0.0.1 -p "$PORT" -U kansoku -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'kansoku'" | grep -q 1 ||
    PGPASSWORD=secret psql -h 127.0.0.1 -p "$PORT" -U kansoku -d postgres -qc "CREATE DATABASE kansoku"
  echo "postgresql up: $URL"
}

down() {
  [ -s "$DIR/data/PG_VERSION" ] && as_pg "$(bin pg_ctl)" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 up|down|url" >&2; exit 2 ;;
esac
