#!/usr/bin/env bash
# Produces the WAL fixture of the compression benchmarks: one full 16 MiB WAL segment written by a real
# PostgreSQL 15 under a pgbench (TPC-B like) load, stored compressed with `zstd -19` so that it stays small
# in git. Run as root (PostgreSQL itself runs as the postgres user) or as postgres.
#   benchmarks/scripts/make-wal-fixture.sh [output.zst]
set -euo pipefail

out=${1:-"$(cd "$(dirname "$0")/.." && pwd)/src/main/resources/org/barman/benchmarks/pgbench-wal-segment.zst"}
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/barman-wal-fixture.XXXXXX)
chmod 755 "$work"
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Unix socket only, in the private work folder: no TCP port to pick or to collide with.
connect=(-h "$work" -p 5432 -U postgres)
as_postgres "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
as_postgres "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p 5432 -k $work -c listen_addresses='' -c max_wal_size=1GB -c full_page_writes=on" start >/dev/null
as_postgres "$bin/pgbench" "${connect[@]}" -i -s 10 postgres >/dev/null 2>&1
as_postgres "$bin/psql" "${connect[@]}" -qAt -c 'CHECKPOINT' postgres
start=$(as_postgres "$bin/psql" "${connect[@]}" -qAt -c 'SELECT pg_walfile_name(pg_current_wal_lsn())' postgres)
as_postgres "$bin/pgbench" "${connect[@]}" -c 4 -T 15 postgres >/dev/null 2>&1
as_postgres "$bin/psql" "${connect[@]}" -qAt -c 'SELECT pg_switch_wal()' postgres >/dev/null
# The segment after the one that held the checkpoint: filled by pgbench alone (full-page images and
# row updates), which is what archive_command ships all day long.
segment=$(printf '%s%08X' "${start:0:16}" $(( 16#${start:16:8} + 1 )))
test -f "$work/data/pg_wal/$segment"
mkdir -p "$(dirname "$out")"
zstd -q -19 -f "$work/data/pg_wal/$segment" -o "$out"
echo "$segment -> $out ($(stat -c %s "$out") bytes)"
