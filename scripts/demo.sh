#!/usr/bin/env bash
# Barman for Java from start to end on a throw-away PostgreSQL 15 cluster:
#   build the command line, create a cluster on a free loopback port with continuous archiving into Barman,
#   barman check, barman backup, write rows, make a restore point, write more rows, barman cron,
#   barman recover to the restore point into a new folder, start the recovered cluster on another port,
#   and show that exactly the rows written before the restore point are there.
# Everything it starts and creates is stopped and removed on exit, even when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

if [ ! -x barman-cli/target/barman/bin/barman ]; then
    echo "== Building the command line (mvn package)"
    mvn -B -q package -DskipTests
fi
pgbin=/usr/lib/postgresql/15/bin

work=$(mktemp -d /tmp/barman-demo.XXXXXX)
chmod 755 "$work"
# PostgreSQL refuses to run as root: when run as root, PostgreSQL and Barman both run as postgres.
run_as=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    run_as=(runuser -u postgres --)
    user=postgres
fi
cleanup() {
    for data in "$work/recovered" "$work/pgdata"; do
        if [ -f "$data/postmaster.pid" ]; then
            "${run_as[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

cp -a barman-cli/target/barman "$work/dist"
barman=("${run_as[@]}" "$work/dist/bin/barman" -c "$work/barman.conf")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
psql_at() { "${run_as[@]}" "$pgbin/psql" -X -q -A -t -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"; }

port=$(free_port)
mkdir -p "$work/barman/demo/incoming"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$work"

echo "== Creating a PostgreSQL 15 cluster on 127.0.0.1:$port, archiving into Barman"
"${run_as[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres -A trust >/dev/null
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w -o "-p $port -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$work -c wal_level=replica -c archive_mode=on \
  -c archive_command='rsync -a %p $work/barman/demo/incoming/%f'" start >/dev/null

cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/barman
barman_user = $user
log_file = $work/barman/barman.log
compression = gzip

[demo]
description = "Throw-away demo cluster"
conninfo = host=127.0.0.1 port=$port user=postgres dbname=postgres
CONF
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/barman.conf"

echo "== barman list-server"
"${barman[@]}" list-server

echo "== Testing WAL archiving (pg_switch_wal, barman cron)"
psql_at "$port" "SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 1 50); do
    "${barman[@]}" -q cron
    [ -s "$work/barman/demo/wals/xlog.db" ] && break
    sleep 0.2
done

echo "== barman check demo"
"${barman[@]}" check demo

echo "== barman backup --wait demo"
"${barman[@]}" backup --wait --immediate-checkpoint demo

echo "== Writing 1000 rows, a restore point, then 500 more rows"
psql_at "$port" "CREATE TABLE demo_rows(id int, written_at timestamptz DEFAULT now())"
psql_at "$port" "INSERT INTO demo_rows(id) SELECT generate_series(1, 1000)"
psql_at "$port" "SELECT pg_create_restore_point('before-the-mistake')" >/dev/null
psql_at "$port" "INSERT INTO demo_rows(id) SELECT generate_series(1001, 1500)"
last=$(psql_at "$port" "SELECT pg_walfile_name(pg_switch_wal())")
echo "   the source cluster now has $(psql_at "$port" "SELECT count(*) FROM demo_rows") rows"

echo "== barman cron (until $last is archived)"
for _ in $(seq 1 100); do
    "${barman[@]}" cron
    grep -q "^$last" "$work/barman/demo/wals/xlog.db" && break
    sleep 0.2
done

echo "== barman list-backup demo"
"${barman[@]}" list-backup demo

echo "== barman recover --target-name before-the-mistake --target-action promote demo latest $work/recovered"
"${barman[@]}" recover --target-name before-the-mistake --target-action promote demo latest "$work/recovered"

port2=$(free_port)
echo "== Starting the recovered cluster on 127.0.0.1:$port2"
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/recovered" -l "$work/recovered.log" -w -t 120 \
    -o "-p $port2 -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work" start >/dev/null
for _ in $(seq 1 100); do
    [ "$(psql_at "$port2" "SELECT pg_is_in_recovery()" 2>/dev/null)" = "f" ] && break
    sleep 0.2
done
count=$(psql_at "$port2" "SELECT count(*) FROM demo_rows")
echo "   the recovered cluster has $count rows (1000 were written before the restore point)"
if [ "$count" != "1000" ]; then
    echo "ERROR: expected 1000 rows in the recovered cluster, found $count" >&2
    exit 1
fi
echo "== Done: both clusters are stopped and every file is removed on exit"
