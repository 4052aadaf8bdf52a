#!/usr/bin/env bash
# The Postgres server behind the team's Dagster instance (deploy/postgres/dagster.yaml).
#
#   scripts/postgres.sh start            create the cluster on first use, then start it
#   scripts/postgres.sh stop             stop it (fast shutdown: open sessions are ended)
#   scripts/postgres.sh status           say whether it runs
#   scripts/postgres.sh url              print the instance database's URL (IW_DAGSTER_PG_URL)
#   scripts/postgres.sh createdb NAME    add a database owned by the instance's role; print its URL
#
# Debian's postgresql (PG_BIN), run as the `postgres` user when started by root (the server
# refuses to run as root). It listens on 127.0.0.1 and on a socket in its data folder only;
# connections over TCP need the `dagster` role's password (scram-sha-256), generated on first
# start and kept, with the URL, in <data folder>.url (mode 600). The URL names the psycopg2
# driver (dagster-postgres depends on it; SQLAlchemy 2.1 would pick psycopg 3 for postgresql://).
# IW_PG_DATA (default .data/postgres) and IW_PG_PORT (default 5433) say where and on which port.
# Commits do not wait for the disk (synchronous_commit = off: the database stays consistent; a
# crash of the machine can lose the last moments of run history, as with SQLite's
# synchronous=NORMAL). IW_PG_THROWAWAY=1 (the tests' clusters) also turns fsync off.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DATA=${IW_PG_DATA:-$ROOT/.data/postgres}
PORT=${IW_PG_PORT:-5433}
URL_FILE="$DATA.url"
ROLE=dagster

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

superuser() {
  if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

psql_admin() {  # over the server's own socket, as the cluster's superuser (peer authentication)
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$(port_of_cluster)" -U "$(superuser)" -d postgres "$@"
}

port_of_cluster() {
  sed -n "s/^port = \([0-9]*\).*/\1/p" "$DATA/postgresql.auto.conf" | tail -1
}

running() {
  [ -s "$DATA/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
  [ -x "$PG_BIN/initdb" ] || { echo "no $PG_BIN/initdb: apt-get install -y postgresql" >&2; exit 1; }
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA"; fi
  chmod 700 "$DATA"
  as_postgres "$PG_BIN/initdb" -D "$DATA" -U "$(superuser)" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$DATA.initdb.log"
  # 127.0.0.1 and the socket in the data folder only; the port is the cluster's from now on
  as_postgres tee -a "$DATA/postgresql.auto.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
synchronous_commit = off
CONF
  if [ "${IW_PG_THROWAWAY:-}" = 1 ]; then
    printf 'fsync = off\nfull_page_writes = off\n' | as_postgres tee -a "$DATA/postgresql.auto.conf" >/dev/null
  fi
}

start() {
  local fresh=""
  if [ ! -s "$DATA/PG_VERSION" ]; then init_cluster; fresh=1; fi
  if ! running; then
    as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >/dev/null
  fi
  if [ -n "$fresh" ]; then
    local password
    password=$(openssl rand -hex 16)
    psql_admin -c "create role $ROLE login password '$password'" -c "create database $ROLE owner $ROLE"
    (umask 077 && echo "postgresql+psycopg2://$ROLE:$password@127.0.0.1:$(port_of_cluster)/$ROLE" >"$URL_FILE")
  fi
  echo "postgres is up on 127.0.0.1:$(port_of_cluster) (data: $DATA)"
}

case "${1:-}" in
  start) start ;;
  stop)
    if running; then as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
    echo "postgres is stopped (data: $DATA)"
    ;;
  status)
    if running; then echo "postgres runs on 127.0.0.1:$(port_of_cluster) (data: $DATA)"; else echo "postgres is not running (data: $DATA)"; exit 3; fi
    ;;
  url) cat "$URL_FILE" ;;
  createdb)
    name=${2:?createdb needs a database name}
    [[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "database names here are lower case, digits and _: $name" >&2; exit 2; }
    psql_admin -c "create database $name owner $ROLE"
    sed "s#/$ROLE\$#/$name#" "$URL_FILE"
    ;;
  *) echo "usage: $0 start|stop|status|url|createdb NAME" >&2; exit 2 ;;
esac
