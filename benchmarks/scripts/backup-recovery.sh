#!/usr/bin/env bash
# Base backup and recovery time of the built distribution (local transport), against cp -a and pg_basebackup
# of the same data, on a pgbench cluster.
#
#   benchmarks/scripts/backup-recovery.sh [SCALE] [RUNS]     (defaults: scale 100, about 1.5 GB; best of 2 runs)
#
# Every contender reads the data once just before it is timed, so that all start from the same page cache.
#   1. full backup: barman backup  vs  cp -a PGDATA (with and without sync -f)  vs  pg_basebackup -Fp -X none
#   2. incremental after updating a contiguous 1% of pgbench_accounts: barman backup --reuse-backup link
#      (PostgreSQL touches every file of the table and its indexes: little can be reused)
#   3. incremental after changing one small table of several (pgbench_branches): time and bytes written
#   4. recovery: barman recover  vs  cp -a of the backup folder (with and without sync -f)
# Barman fsyncs what it writes before it says DONE; cp -a does not, hence the two references. Before each
# incremental, archive-wal takes in the WAL of the change, as cron does every minute.
# Prints each time and its ratio to the reference. Everything is removed at the end. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-100}
runs=${2:-2}
if [ ! -x barman-cli/target/barman/bin/barman ]; then
    mvn -B -q package -DskipTests
fi
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/barman-bench.XXXXXX)
chmod 755 "$work"
as_pg=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    as_pg=(runuser -u postgres --)
    user=postgres
fi
cleanup() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
cp -a barman-cli/target/barman "$work/dist"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/home/bench/incoming"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$work"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w -o "-p $port -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$work -c wal_level=replica -c archive_mode=on -c max_wal_size=4GB \
  -c archive_command='rsync -a %p $work/home/bench/incoming/%f'" start >/dev/null
psql() { "${as_pg[@]}" "$pgbin/psql" -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"; }
echo "== pgbench -i -s $scale"
"${as_pg[@]}" "$pgbin/pgbench" -q -i -s "$scale" -h 127.0.0.1 -p "$port" -U postgres postgres >/dev/null 2>&1
psql "CHECKPOINT"
cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/home
barman_user = $user
[bench]
conninfo = host=127.0.0.1 port=$port user=postgres dbname=postgres
CONF
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/barman.conf"
barman=("${as_pg[@]}" "$work/dist/bin/barman" -c "$work/barman.conf")
echo "   PGDATA: $(du -sh "$work/pgdata" | cut -f1)"

now() { date +%s.%N; }
archived() { # waits until PostgreSQL's archiver has shipped every finished WAL file, then archives them as cron does
    until [ "$(psql "SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'")" = 0 ]; do sleep 0.2; done
    "${barman[@]}" -q archive-wal bench
}
warm() { tar -cf - "$@" 2>/dev/null | cat > /dev/null; }
best=""
measure() { # label command... ; prints best-of-$runs seconds into $best
    local label=$1; shift
    best=999999
    for _ in $(seq 1 "$runs"); do
        "$@" prepare
        local start; start=$(now)
        "$@" run
        local s; s=$(echo "$(now) - $start" | bc -l)
        best=$(echo "if ($s < $best) $s else $best" | bc -l)
        "$@" clean
    done
    printf '   %-44s %7.2f s\n' "$label" "$best"
}
cp_pgdata() { case $1 in prepare) warm "$work/pgdata" ;; run) cp -a "$work/pgdata" "$work/cp" ;; clean) rm -rf "$work/cp" ;; esac; }
# What a backup must be: on disk when the command returns. cp -a leaves it in the page cache.
cp_pgdata_sync() { case $1 in prepare) warm "$work/pgdata"; sync ;; run) cp -a "$work/pgdata" "$work/cp" && sync -f "$work/cp" ;;
    clean) rm -rf "$work/cp" ;; esac; }
basebackup() { case $1 in prepare) warm "$work/pgdata" ;;
    run) "${as_pg[@]}" "$pgbin/pg_basebackup" -Fp -X none -c fast -D "$work/pgbb" -h 127.0.0.1 -p "$port" -U postgres ;;
    clean) rm -rf "$work/pgbb" ;; esac; }
barman_full() { case $1 in prepare) warm "$work/pgdata"; sync ;;
    run) "${barman[@]}" -q backup --wait --immediate-checkpoint --reuse-backup off bench ;;
    clean) ;; esac; }

echo "== Full backup (best of $runs)"
measure "cp -a PGDATA" cp_pgdata; t_cp=$best
measure "cp -a PGDATA && sync -f" cp_pgdata_sync; t_cps=$best
measure "pg_basebackup -Fp -X none" basebackup; t_bb=$best
measure "barman backup (local transport)" barman_full; t_full=$best
printf '   barman / cp -a = %.2f, barman / (cp -a && sync -f) = %.2f, barman / pg_basebackup = %.2f\n' \
    "$(echo "$t_full / $t_cp" | bc -l)" "$(echo "$t_full / $t_cps" | bc -l)" "$(echo "$t_full / $t_bb" | bc -l)"

echo "== Incremental backup after a contiguous 1% UPDATE of pgbench_accounts"
psql "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= $((scale * 1000))"
psql "CHECKPOINT"
archived  # the WAL of the UPDATE, as cron archives it every minute
warm "$work/pgdata"; sync
start=$(now)
"${barman[@]}" -q backup --wait --immediate-checkpoint --reuse-backup link bench
t_inc=$(echo "$(now) - $start" | bc -l)
printf '   %-44s %7.2f s (full before the UPDATE: %.2f s, ratio %.2f)\n' "barman backup --reuse-backup link" \
    "$t_inc" "$t_full" "$(echo "$t_inc / $t_full" | bc -l)"
# The same data, backed up in full: what the incremental saves, and what the UPDATE itself costs every backup
warm "$work/pgdata"; sync
start=$(now)
"${barman[@]}" -q backup --wait --immediate-checkpoint --reuse-backup off bench
t_full2=$(echo "$(now) - $start" | bc -l)
printf '   %-44s %7.2f s (incremental / full = %.2f)\n' "barman backup, full, of the same data" "$t_full2" \
    "$(echo "$t_inc / $t_full2" | bc -l)"

echo "== Incremental backup after changing one small table of several (pgbench_branches)"
psql "UPDATE pgbench_branches SET bbalance = bbalance + 1"
psql "CHECKPOINT"
archived  # the WAL of the UPDATE, as cron archives it every minute
warm "$work/pgdata"; sync
start=$(now)
"${barman[@]}" -q backup --wait --immediate-checkpoint --reuse-backup link bench
t_small=$(echo "$(now) - $start" | bc -l)
latest=$(ls "$work/home/bench/base" | sort | tail -1)
size=$(grep '^size=' "$work/home/bench/base/$latest/backup.info" | cut -d= -f2)
dedup=$(grep '^deduplicated_size=' "$work/home/bench/base/$latest/backup.info" | cut -d= -f2)
printf '   %-44s %7.2f s, %s of %s bytes written (%.2f %%)\n' "barman backup --reuse-backup link" "$t_small" \
    "$dedup" "$size" "$(echo "100 * $dedup / $size" | bc -l)"

echo "== Recovery of the last backup (best of $runs)"
cp_backup() { case $1 in prepare) warm "$work/home/bench/base/$latest" ;;
    run) cp -a "$work/home/bench/base/$latest" "$work/cpb" ;; clean) rm -rf "$work/cpb" ;; esac; }
cp_backup_sync() { case $1 in prepare) warm "$work/home/bench/base/$latest"; sync ;;
    run) cp -a "$work/home/bench/base/$latest" "$work/cpb" && sync -f "$work/cpb" ;; clean) rm -rf "$work/cpb" ;; esac; }
barman_recover() { case $1 in prepare) warm "$work/home/bench/base/$latest"; sync ;;
    run) "${barman[@]}" -q recover bench latest "$work/recovered" > /dev/null ;;
    clean) rm -rf "$work/recovered" ;; esac; }
measure "cp -a of the backup folder" cp_backup; t_cpb=$best
measure "cp -a of the backup folder && sync -f" cp_backup_sync; t_cpbs=$best
measure "barman recover" barman_recover; t_rec=$best
printf '   barman recover / cp -a = %.2f, barman recover / (cp -a && sync -f) = %.2f\n' \
    "$(echo "$t_rec / $t_cpb" | bc -l)" "$(echo "$t_rec / $t_cpbs" | bc -l)"
