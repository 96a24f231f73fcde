#!/usr/bin/env bash
# Shows Barman for Java at work on a throw-away PostgreSQL 15 cluster: builds the command line, creates the
# cluster on a free loopback port, configures Barman for it, shows what Barman sees, and removes everything
# it created, even when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

if [ ! -x barman-cli/target/barman/bin/barman ]; then
    echo "== Building the command line"
    mvn -B -q package -DskipTests
fi
barman_bin=$(pwd)/barman-cli/target/barman/bin/barman
pgbin=/usr/lib/postgresql/15/bin

work=$(mktemp -d /tmp/barman-demo.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    as_pg=(runuser -u postgres --)
    chown postgres: "$work"
fi
cleanup() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "== Creating a PostgreSQL 15 cluster on 127.0.0.1:$port in $work/pgdata"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c wal_level=replica" start >/dev/null

mkdir -p "$work/barman"
cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/barman
barman_user = $(id -un)
log_file = $work/barman/barman.log
compression = gzip

[demo]
description = "Throw-away demo cluster"
conninfo = host=127.0.0.1 port=$port user=postgres dbname=postgres
CONF

echo "== barman list-server"
"$barman_bin" -c "$work/barman.conf" list-server
echo "== barman show-server demo"
"$barman_bin" -c "$work/barman.conf" show-server demo
echo "== Done: the cluster and every file are removed on exit"
