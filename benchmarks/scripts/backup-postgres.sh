#!/usr/bin/env bash
# backup_method = postgres: `barman backup` of the built distribution (BASE_BACKUP over a replication connection)
# against Debian's pg_basebackup 15 and pgBackRest, on a throw-away PostgreSQL 15 cluster (loopback only), in one run.
#
#   benchmarks/scripts/backup-postgres.sh      (about 4 minutes at scale 100 with the defaults)
#
# Environment: PGBENCH_SCALE (100: PGDATA of 1.6 GB outside pg_wal), ROUNDS (2), COMPRESSION_LEVEL (unset: each
# tool's default level; else backup_compression_level and pgBackRest's compress-level), COMPRESSION_WORKERS (unset;
# else backup_compression_workers of the zstd rounds: zstd threads), HEAP_TABLES ("2000 20000"; empty: no part 2),
# HEAP_INTERVAL (0.5 s), BARMAN_JAVA_OPTS (reaches every barman JVM).
#
# 1. Full backups of a `pgbench -i -s PGBENCH_SCALE` cluster, best of ROUNDS rounds, the order reversed every other
#    round. Before each timed run the WAL the previous one made is archived (PostgreSQL's archiver, then
#    `barman archive-wal`), PGDATA is read once (tar | cat > /dev/null) and synced, so that every contender starts
#    from the same warm page cache; what a contender stored is deleted after it (and synced away).
#      a. pg_basebackup -Fp -X none -c fast (Debian's 15, TCP to 127.0.0.1): the reference;
#      b. barman backup --wait --immediate-checkpoint with backup_method = postgres, plain, no compression
#         (wall time of the command: JVM start, checks, BASE_BACKUP, the manifest's checks, fsync, the closing WAL
#         archived);
#      c. the same with backup_compression = lz4 and zstd, backup_compression_format = tar, and
#         backup_compression_location = client, then server (PostgreSQL 15 compresses). A build that does not know
#         these options (a warning "unknown option" from `barman show-server`, or a backup stored without a
#         compressed tar) is reported as "not supported by this build" for that round, and the run goes on;
#      d. pgBackRest (Debian's 2.45; installed when missing and run as root) full backups, compress-type lz4 and
#         zst, process-max=2, start-fast, its repository on the same disk, connected by the cluster's Unix socket
#         (its only way to a local server), WAL pushed by archive_command (beside the copy into Barman's incoming/)
#         as pgBackRest's own archive check requires.
#    Printed: best time of each and its ratio to pg_basebackup; Barman / pgBackRest at the same compression; the
#    bytes stored (du -sb of Barman's backup folder, pg_basebackup's folder, pgBackRest's backup label folder).
# 2. Heap against the number of files: the pgbench tables dropped, HEAP_TABLES tables created (each with a primary
#    key and a TOAST table: four files), and for each count a plain postgres-method backup whose JVM is made to run
#    a full GC every HEAP_INTERVAL s (jcmd GC.run + GC.heap_info; jcmd's own start makes it about 1 s here) and
#    logs its GCs to a file (-Xlog:gc); printed: files in the backup, the peak heap in use after a full GC (what the
#    backup holds), the peak heap in use at any GC, the heap in use at exit, peak RSS, and the time (not comparable
#    with part 1: the GCs slow it).
# Everything lives in a temporary folder, removed at the end. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${PGBENCH_SCALE:-100}
rounds=${ROUNDS:-2}
level=${COMPRESSION_LEVEL:-}
workers=${COMPRESSION_WORKERS:-}
heap_tables=${HEAP_TABLES-2000 20000}
heap_every=${HEAP_INTERVAL:-0.5}
if [ ! -x barman-cli/target/barman/bin/barman ]; then
    mvn -B -q package -DskipTests
fi
pgbin=/usr/lib/postgresql/15/bin
if ! command -v pgbackrest >/dev/null && [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -q pgbackrest >/dev/null
fi
work=$(mktemp -d /tmp/barman-pgbench.XXXXXX)
chmod 755 "$work"
as_pg=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    as_pg=(runuser -u postgres --)
    user=postgres
fi
cleanup() {
    local running; running=$(jobs -p)
    [ -z "$running" ] || kill $running 2>/dev/null || true
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
cp -a barman-cli/target/barman "$work/dist"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
incoming=$work/home/bench/incoming
mkdir -p "$incoming" "$work/sock" "$work/pgbr/repo" "$work/pgbr/log" "$work/pgbr/lock"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$work"
has_pgbackrest=0
command -v pgbackrest >/dev/null && has_pgbackrest=1
cat > "$work/pgbackrest.conf" <<CONF
[global]
repo1-path=$work/pgbr/repo
repo1-retention-full=9999
process-max=2
start-fast=y
log-path=$work/pgbr/log
lock-path=$work/pgbr/lock
log-level-console=warn
log-level-file=off
archive-timeout=120

[global:archive-push]
compress-type=lz4

[bench]
pg1-path=$work/pgdata
pg1-port=$port
pg1-socket-path=$work/sock
pg1-user=postgres
CONF
pgbackrest=("${as_pg[@]}" pgbackrest --config="$work/pgbackrest.conf" --stanza=bench)
archive_command="cp %p $incoming/%f"
if [ "$has_pgbackrest" = 1 ]; then
    archive_command="$archive_command && pgbackrest --config=$work/pgbackrest.conf --stanza=bench archive-push %p"
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres -A trust >/dev/null
cat >> "$work/pgdata/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work/sock'
wal_level = replica
max_wal_senders = 10
max_wal_size = 4GB
archive_mode = on
archive_command = '$archive_command'
CONF
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w start >/dev/null
[ "$has_pgbackrest" = 1 ] && "${pgbackrest[@]}" stanza-create >/dev/null
psql() { "${as_pg[@]}" "$pgbin/psql" -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"; }
now() { date +%s.%N; }
calc() { echo "$1" | bc -l; }
mib() { printf '%.1f' "$(calc "$1 / 1048576")"; }

barman=("${as_pg[@]}" "$work/dist/bin/barman" -c "$work/barman.conf")
base=$work/home/bench/base
configure_barman() { # compression location: writes barman.conf for a plain or compressed postgres-method backup
    {
        printf '[barman]\nbarman_home = %s\nbarman_user = %s\nlog_file = %s/barman.log\n' "$work/home" "$user" "$work"
        printf '[bench]\nconninfo = host=127.0.0.1 port=%s user=postgres dbname=postgres\n' "$port"
        printf 'backup_method = postgres\n'
        if [ "$1" != none ]; then
            printf 'backup_compression = %s\nbackup_compression_format = tar\nbackup_compression_location = %s\n' \
                "$1" "$2"
            [ -z "$level" ] || printf 'backup_compression_level = %s\n' "$level"
            [ -z "$workers" ] || [ "$1" != zstd ] || printf 'backup_compression_workers = %s\n' "$workers"
        fi
    } > "$work/barman.conf"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$work/barman.conf"
    return 0
}
configure_barman none

echo "== PostgreSQL 15 on 127.0.0.1:$port, pgbench -i -s $scale; $(nproc) cores; best of $rounds rounds"
"${as_pg[@]}" "$pgbin/pgbench" -q -i -s "$scale" -h 127.0.0.1 -p "$port" -U postgres postgres >/dev/null 2>&1
psql "CHECKPOINT"
archived() { # waits until PostgreSQL's archiver has shipped every finished WAL file, then archives them as cron does
    until [ "$(psql "SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'")" = 0 ]; do sleep 0.2; done
    "${barman[@]}" -q archive-wal bench
}
archived
echo "   PGDATA: $(du -sh --exclude=pg_wal "$work/pgdata" | cut -f1) outside pg_wal, $(find "$work/pgdata" -type f | wc -l) files"
warm() { tar -cf - "$@" 2>/dev/null | cat > /dev/null; }
ready() { archived; warm "$work/pgdata"; sync; }

# Which compressed rounds this build supports: it must know the options (no "unknown option" warning).
declare -A unsupported=()
for variant in lz4-client zstd-client lz4-server zstd-server; do
    configure_barman "${variant%-*}" "${variant#*-}"
    if ! out=$("${barman[@]}" show-server bench 2>&1) || grep -q "unknown option 'backup_compression" <<<"$out"; then
        unsupported[$variant]="not supported by this build ($(grep -m1 -o "unknown option '[a-z_]*'" <<<"$out" || echo "show-server failed"))"
    fi
done
configure_barman none

# Each contender: prepare | run | bytes | clean
pg_basebackup_plain() { case $1 in
    prepare) ready ;;
    run) "${as_pg[@]}" "$pgbin/pg_basebackup" -Fp -X none -c fast -D "$work/pgbb" -h 127.0.0.1 -p "$port" -U postgres \
            2> "$work/pgbb.err" || { cat "$work/pgbb.err" >&2; return 1; } ;;
    bytes) du -sb "$work/pgbb" | cut -f1 ;;
    clean) rm -rf "$work/pgbb"; sync ;;
esac; }
barman_backup() { # compression location action
    case $3 in
    prepare) configure_barman "$1" "$2"; ready ;;
    run) "${barman[@]}" -q backup --wait --immediate-checkpoint bench > "$work/barman-backup.out" 2>&1 ||
            { cat "$work/barman-backup.out" >&2; return 1; } ;;
    bytes) du -sb "$base"/* | cut -f1 ;;
    clean) "${barman[@]}" -q delete bench latest > /dev/null; sync ;;
    esac
}
barman_none() { barman_backup none none "$1"; }
barman_lz4_client() { barman_backup lz4 client "$1"; }
barman_zstd_client() { barman_backup zstd client "$1"; }
barman_lz4_server() { barman_backup lz4 server "$1"; }
barman_zstd_server() { barman_backup zstd server "$1"; }
pgbackrest_full() { # compression action
    case $2 in
    prepare) ready ;;
    run) local lvl=(); [ -z "$level" ] || lvl=(--compress-level="$level")
        "${pgbackrest[@]}" --type=full --compress-type="$1" "${lvl[@]}" backup ;;
    bytes) du -sb "$work/pgbr/repo/backup/bench/$(ls "$work/pgbr/repo/backup/bench" | grep 'F$' | sort | tail -1)" | cut -f1 ;;
    clean) "${pgbackrest[@]}" --repo1-retention-full=1 expire > /dev/null 2>&1 || true; sync ;;
    esac
}
pgbackrest_lz4() { pgbackrest_full lz4 "$1"; }
pgbackrest_zstd() { pgbackrest_full zst "$1"; }   # pgBackRest calls zstd "zst"

contenders=(pg_basebackup_plain barman_none barman_lz4_client barman_zstd_client barman_lz4_server barman_zstd_server)
[ "$has_pgbackrest" = 1 ] && contenders+=(pgbackrest_lz4 pgbackrest_zstd)
declare -A label=([pg_basebackup_plain]="pg_basebackup -Fp -X none -c fast" [barman_none]="barman, plain, no compression"
    [barman_lz4_client]="barman, lz4 tar, client" [barman_zstd_client]="barman, zstd tar, client"
    [barman_lz4_server]="barman, lz4 tar, server" [barman_zstd_server]="barman, zstd tar, server"
    [pgbackrest_lz4]="pgBackRest full, lz4, process-max=2" [pgbackrest_zstd]="pgBackRest full, zstd, process-max=2")
declare -A best=() bytes=() times=() note=()
variant_of() { local v=${1#barman_}; echo "${v//_/-}"; }
for c in "${contenders[@]}"; do
    [ -z "${unsupported[$(variant_of "$c")]:-}" ] || note[$c]=${unsupported[$(variant_of "$c")]}
done

echo "== 1. Full backups"
for round in $(seq 1 "$rounds"); do
    order=("${contenders[@]}")
    if [ $((round % 2)) = 0 ]; then
        order=(); for ((i = ${#contenders[@]} - 1; i >= 0; i--)); do order+=("${contenders[$i]}"); done
    fi
    echo "   round $round: ${order[*]}"
    for c in "${order[@]}"; do
        [ -z "${note[$c]:-}" ] || continue
        "$c" prepare
        start=$(now)
        if ! "$c" run; then
            note[$c]="failed in round $round (see above)"
            echo "   $c: FAILED" >&2
            "$c" clean >/dev/null 2>&1 || true
            continue
        fi
        s=$(calc "$(now) - $start")
        if [[ $c == barman_*_* ]] && ! find "$base" -name '*.tar*' | grep -q .; then
            note[$c]="not supported by this build (the backup was stored as plain files)"
            "$c" clean
            continue
        fi
        times[$c]="${times[$c]:-}$(printf '%.2f ' "$s")"
        best[$c]=$(calc "if (${best[$c]:-999999} < $s) ${best[$c]:-999999} else $s")
        bytes[$c]=$("$c" bytes)
        "$c" clean
    done
done
ref=${best[pg_basebackup_plain]}

configure_barman none
if [ -n "$heap_tables" ]; then
    echo "== 2. Heap against the number of files (plain postgres-method backups, a full GC every $heap_every s)"
    psql "DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers"
    psql "CHECKPOINT"
fi
made=0
printf 'GC.run\nGC.heap_info\n' > "$work/jcmd"
declare -A heap_row=()
jvm_of() { # the background job's pid: the JVM itself, or the child runuser forked (the launcher execs java)
    local pid=$1 child=""
    if [ "${#as_pg[@]}" -eq 0 ]; then echo "$pid"; return; fi
    while [ -z "$child" ] && kill -0 "$pid" 2>/dev/null; do child=$(pgrep -P "$pid" || true); sleep 0.05; done
    echo "$child"
}
for n in $heap_tables; do
    if [ "$n" -gt "$made" ]; then
        psql "DO \$\$ BEGIN FOR i IN $((made + 1))..$n LOOP
                EXECUTE format('CREATE TABLE files_%s (id int PRIMARY KEY, v text)', i);
                EXECUTE format('INSERT INTO files_%s VALUES (1, repeat(''x'', 100))', i);
                IF i % 500 = 0 THEN COMMIT; END IF;
              END LOOP; END \$\$"
        made=$n
        psql "CHECKPOINT"
    fi
    ready
    gclog=$work/gc-$n.log
    : > "$work/rss-$n"; : > "$work/live-$n"
    start=$(now)
    "${as_pg[@]}" env BARMAN_JAVA_OPTS="${BARMAN_JAVA_OPTS:-} -Xlog:gc,gc+heap+exit:file=$gclog" \
        "$work/dist/bin/barman" -c "$work/barman.conf" -q backup --wait --immediate-checkpoint bench \
        > "$work/heap-backup.out" 2>&1 &
    job=$!
    jvm=$(jvm_of "$job")
    while kill -0 "$job" 2>/dev/null; do
        sleep "$heap_every"
        [ -n "$jvm" ] || continue
        awk '/VmRSS/ { print $2 }' "/proc/$jvm/status" >> "$work/rss-$n" 2>/dev/null || true
        "${as_pg[@]}" jcmd "$jvm" -f "$work/jcmd" 2>/dev/null | awk '/generation +total/ && match($0, /used [0-9]+K/) {
            s += substr($0, RSTART + 5, RLENGTH - 6) } END { if (s > 0) print s }' >> "$work/live-$n" || true
    done
    wait "$job" || { cat "$work/heap-backup.out" >&2; exit 1; }
    s=$(calc "$(now) - $start")
    files=$(find "$base" -type f -path '*/data/*' | wc -l)
    # jcmd: heap in use after each full GC; the GC log, "[..][gc] GC(3) Pause Young (Allocation Failure) 33M->4M(121M)
    # 4.1ms" (sizes in B, K, M or G): the most in use at any GC; its gc+heap+exit lines: in use at exit.
    heap_row[$n]=$(awk -v rss="$(sort -n "$work/rss-$n" | tail -1)" -v live="$(sort -n "$work/live-$n" | tail -1)" \
        -v full="$(wc -l < "$work/live-$n")" '
        function kib(v) { u = substr(v, length(v)); v = substr(v, 1, length(v) - 1) + 0
                          return u == "G" ? v * 1048576 : u == "M" ? v * 1024 : u == "K" ? v : v / 1024 }
        /Pause/ && match($0, /[0-9.]+[BKMG]->[0-9.]+[BKMG]/) {
            split(substr($0, RSTART, RLENGTH), p, "->"); if (kib(p[1]) > peak) peak = kib(p[1]) }
        /gc,heap,exit/ && match($0, /used [0-9]+K/) && !/Metaspace|class space/ { exit_used += substr($0, RSTART + 5, RLENGTH - 6) }
        END { printf "%d %d %d %d %d", full, live, peak, exit_used, rss }' "$gclog")
    heap_row[$n]="$files ${heap_row[$n]} $s"
    "${barman[@]}" -q delete bench latest > /dev/null
done

echo "== Results (PostgreSQL 15, pgbench -s $scale, warm cache, best of $rounds)"
printf '   %-38s %9s %8s %13s %s\n' "" "best s" "/ pg_bb" "bytes stored" "every round (s)"
for c in "${contenders[@]}"; do
    if [ -n "${best[$c]:-}" ]; then
        printf '   %-38s %9.2f %8.2f %13s %s\n' "${label[$c]}" "${best[$c]}" "$(calc "${best[$c]} / $ref")" \
            "${bytes[$c]}" "${times[$c]}"
    else
        printf '   %-38s %s\n' "${label[$c]}" "${note[$c]:-not run}"
    fi
    if [ -n "${note[$c]:-}" ] && [ -n "${best[$c]:-}" ]; then printf '   %-38s %s\n' "" "${note[$c]}"; fi
done
[ -z "${best[barman_none]:-}" ] ||
    printf '   barman plain / pg_basebackup = %.2f (target <= 1.10)\n' "$(calc "${best[barman_none]} / $ref")"
for z in lz4 zstd; do
    for where in client server; do
        b=${best[barman_${z}_$where]:-}; p=${best[pgbackrest_$z]:-}
        if [ -n "$b" ] && [ -n "$p" ]; then
            printf '   barman %s %s / pgBackRest %s = %.2f (target <= 1.00); bytes %s / %s\n' "$z" "$where" "$z" \
                "$(calc "$b / $p")" "${bytes[barman_${z}_$where]}" "${bytes[pgbackrest_$z]}"
        fi
    done
done
[ -n "$heap_tables" ] || exit 0
echo "   Heap of a plain postgres-method backup against the number of files (KiB; time slowed by the forced GCs):"
printf '   %8s %8s %8s %18s %16s %12s %10s %8s\n' tables files samples "peak after full GC" "peak at any GC" \
    "used at exit" "peak RSS" "time s"
for n in $heap_tables; do
    read -r files full live peak at_exit rss s <<<"${heap_row[$n]}"
    printf '   %8s %8s %8s %18s %16s %12s %10s %8.2f\n' "$n" "$files" "$full" "$live" "$peak" "$at_exit" "$rss" "$s"
done
