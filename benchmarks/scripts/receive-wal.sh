#!/usr/bin/env bash
# Streaming WAL: `barman receive-wal` of the built distribution against Debian's pg_receivewal 15, on a throw-away
# PostgreSQL 15 cluster (loopback only) under a pgbench write load.
#
#   benchmarks/scripts/receive-wal.sh [CLIENTS] [SECONDS] [LONG_SECONDS] [BACKLOG_MIB] [ROUNDS]
#       (defaults: 8 pgbench clients, 60 s per load, 480 s long run, 1024 MiB backlog, 3 catch-up rounds;
#        about 15 minutes in all)
#
# Each receiver has its own replication slot and folder; both connect over TCP to 127.0.0.1. pgbench runs with
# synchronous_commit = SYNC_COMMIT (default off: the fastest WAL, the hardest for a receiver) and -j 2, on scale
# PGBENCH_SCALE (10), under the LOADS (default "tpcb heavy"): tpcb is pgbench's own TPC-B-like transaction, heavy
# inserts 100 rows of 1 KiB per transaction (WAL as fast as the machine writes it); the last load is the long run's.
# 1. Under load, both at once: pg_receivewal --synchronous (it fsyncs and reports as soon as it has all the server
#    sent, as Barman's receiver always does) and barman receive-wal stream the same `pgbench -c CLIENTS -T SECONDS`
#    per load. Running them together gives both exactly the same WAL at the same moments, so their lags compare
#    sample by sample; the price is that they share the 2 cores with each other and with PostgreSQL, which part 2
#    measures without. Figures: each receiver's idle CPU; per load the WAL rate (bytes the server wrote / seconds
#    until the receiver had flushed all of it), CPU seconds of each receiver per GiB, and the flush lag,
#    pg_current_wal_lsn() - flush_lsn of its row in pg_stat_replication sampled every SAMPLE_INTERVAL s (default
#    0.25) by one psql \watch: max, p99, median, with the part the server had not sent yet (current - sent_lsn).
#    Then each receiver's completed segments, and the received part of its .partial, are compared byte for byte
#    with the files still in pg_wal, and its slot's position with the server's.
# 2. Catch-up throughput, one receiver at a time: with both stopped, their slots keep BACKLOG_MIB of WAL made by
#    bulk INSERTs (a checkpoint and a sync follow, so that the disk is quiet); each receiver then streams it alone,
#    pg_receivewal in its default (fastest) mode with --endpos, Barman until its reported flush position reaches the
#    same end. The time runs from its replication connection appearing in pg_stat_replication to the end being
#    flushed (from the process start in parentheses: Barman's includes the JVM's start). This is the receiver's
#    own speed, where the load of part 1 only shows whether it keeps up. ROUNDS rounds, the order swapped each round.
# 3. Heap over a compressed long run: Barman's receiver alone under `pgbench -c CLIENTS -T LONG_SECONDS`; every
#    HEAP_INTERVAL s (default 30) `jcmd GC.run` + `GC.heap_info` gives the heap in use after a full GC, and
#    /proc its RSS; printed: first, last, max, and the least-squares slope in KiB per minute; with the WAL volume
#    streamed and the flush lag of the whole phase. Completed segments are deleted as they arrive (as archive-wal
#    would move them), so that the disk does not fill. BARMAN_JAVA_OPTS (for example -Xmx64m) reaches the JVM.
# KEEP_SAMPLES=DIR keeps the raw samples (lag*: epoch, application_name, current - flush, current - sent; heap).
# Everything else lives in a temporary folder, removed at the end. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${1:-8}
seconds=${2:-60}
long=${3:-480}
backlog_mib=${4:-1024}
rounds=${5:-3}
sample=${SAMPLE_INTERVAL:-0.25}
heap_every=${HEAP_INTERVAL:-30}
scale=${PGBENCH_SCALE:-10}
commit=${SYNC_COMMIT:-off}
loads=${LOADS:-tpcb heavy}
if [ ! -x barman-cli/target/barman/bin/barman ]; then
    mvn -B -q package -DskipTests
fi
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/barman-recvbench.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    as_pg=(runuser -u postgres --)
fi
cleanup() {
    local running; running=$(jobs -p)
    [ -z "$running" ] || kill $running 2>/dev/null || true
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -m immediate stop >/dev/null 2>&1 || true
    if [ -n "${KEEP_SAMPLES:-}" ]; then
        mkdir -p "$KEEP_SAMPLES" && cp "$work"/lag* "$work"/heap "$work"/pgbench* "$KEEP_SAMPLES"/ 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
cp -a barman-cli/target/barman "$work/dist"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/pgdata" "$work/sock" "$work/pgrw" "$work/home"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/pgdata" "$work/sock"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/sock/pg.log" -w -o "-p $port -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$work/sock -c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10 \
  -c shared_buffers=256MB -c max_wal_size=4GB -c wal_sender_timeout=60s" start >/dev/null
conn=(-h 127.0.0.1 -p "$port" -U postgres)
psql() { "$pgbin/psql" -X -q -A -t "${conn[@]}" -d postgres -c "$1"; }
now() { date +%s.%N; }
calc() { echo "$1" | bc -l; }
mib() { printf '%.1f' "$(calc "$1 / 1048576")"; }

cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/home
barman_user = $(id -un)
log_file = $work/barman.log
[bench]
conninfo = host=127.0.0.1 port=$port user=postgres dbname=postgres
streaming_conninfo = host=127.0.0.1 port=$port user=postgres
archiver = off
streaming_archiver = on
slot_name = barman
create_slot = auto
CONF
barman=("$work/dist/bin/barman" -c "$work/barman.conf")
streaming=$work/home/bench/streaming

# Waits, inside the server, until application_name shows in pg_stat_replication and then until its flush_lsn
# reaches a position, or its row goes (pg_receivewal --endpos exits once there); prints both times (epoch seconds).
psql "CREATE FUNCTION wait_flushed(app text, target pg_lsn, OUT seen float8, OUT done float8) LANGUAGE plpgsql AS \$\$
DECLARE f pg_lsn; found boolean;
BEGIN
  LOOP
    SELECT true, flush_lsn INTO found, f FROM pg_stat_replication WHERE application_name = app;
    IF found THEN
      IF seen IS NULL THEN seen := extract(epoch FROM clock_timestamp()); END IF;
      done := extract(epoch FROM clock_timestamp());
      EXIT WHEN f >= target;
    ELSIF seen IS NOT NULL THEN
      EXIT;
    END IF;
    PERFORM pg_sleep(0.01);
  END LOOP;
END \$\$"
lsn() { psql "SELECT pg_current_wal_lsn()"; }
diff_lsn() { psql "SELECT pg_wal_lsn_diff('$1', '$2')::bigint"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)

start_pgrw() { # extra pg_receivewal options...
    "$pgbin/pg_receivewal" -D "$work/pgrw" -S pgrw -n "${conn[@]}" "$@" 2>>"$work/pgrw.log" &
    pgrw_pid=$!
}
start_barman() {
    "${barman[@]}" -q receive-wal bench >>"$work/receive-wal.out" 2>&1 &
    barman_pid=$!   # the launcher execs java: this is the JVM
}
stop_pgrw() { kill -INT "$pgrw_pid"; wait "$pgrw_pid" || true; }
stop_barman() { "${barman[@]}" -q receive-wal --stop bench >/dev/null; wait "$barman_pid" || true; }
wait_streaming() { # application_name...
    for app in "$@"; do
        until [ "$(psql "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$app' AND state = 'streaming'")" = 1 ]; do
            sleep 0.1
        done
    done
}
start_sampler() { # output file
    printf "SELECT extract(epoch FROM clock_timestamp()), application_name, pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::bigint, pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::bigint FROM pg_stat_replication\n\\\\watch %s\n" \
        "$sample" > "$work/sampler.sql"
    "$pgbin/psql" -X -q -A -t -F ' ' "${conn[@]}" -d postgres -f "$work/sampler.sql" > "$1" 2>/dev/null &
    sampler_pid=$!
}
stop_sampler() { kill -INT "$sampler_pid"; wait "$sampler_pid" || true; }
lag_stats() { # samples file, application_name[, column]: "n samples, max X MiB, p99 Y MiB, median Z MiB"
    awk -v app="$2" -v col="${3:-3}" 'NF == 4 && $2 == app { print $col }' "$1" | sort -n | awk '
        { v[NR] = $1 } END {
            if (NR == 0) { print "no samples"; exit }
            p99 = v[int(0.99 * NR + 0.999)]; med = v[int(0.5 * NR + 0.5)]
            printf "%d samples, max %.2f MiB, p99 %.2f MiB, median %.3f MiB (max %.0f bytes)", NR, v[NR] / 1048576,
                p99 / 1048576, med / 1048576, v[NR] }'
}
compare_with_pg_wal() { # folder, label, end lsn: compares what pg_wal still has
    local folder=$1 current last same=0 differ=0 partial="no .partial of that segment"
    current=$(psql "SELECT pg_walfile_name(pg_current_wal_lsn())")   # earlier names in pg_wal are not recycled ones
    last=$(psql "SELECT pg_walfile_name('$3')")
    for f in "$folder"/*; do
        local name; name=$(basename "$f")
        [[ $name =~ ^[0-9A-F]{24}$ ]] || continue
        [[ $name < $current ]] || continue
        [ -f "$work/pgdata/pg_wal/$name" ] || continue
        if cmp -s "$f" "$work/pgdata/pg_wal/$name"; then same=$((same + 1)); else differ=$((differ + 1)); fi
    done
    if [ -f "$folder/$last.partial" ]; then
        local upto; upto=$(psql "SELECT (pg_wal_lsn_diff('$3', '0/0') % (16 * 1024 * 1024))::bigint")
        if cmp -s -n "$upto" "$folder/$last.partial" "$work/pgdata/pg_wal/$last"; then
            partial="$last.partial: first $upto bytes identical"
        else
            partial="$last.partial: DIFFERS in its first $upto bytes"; differ=$((differ + 1))
        fi
    fi
    printf '   %-15s %d complete segments identical to pg_wal, %d different; %s\n' "$2" "$same" "$differ" "$partial"
    [ "$differ" -eq 0 ] || mismatch=1
}
mismatch=0

echo "== PostgreSQL 15 on 127.0.0.1:$port, pgbench -i -s $scale, synchronous_commit = $commit for pgbench; $(nproc) cores"
"$pgbin/pgbench" -q -i -s "$scale" "${conn[@]}" postgres >/dev/null 2>&1
psql "CHECKPOINT"
"$pgbin/pg_receivewal" --create-slot -S pgrw "${conn[@]}" 2>>"$work/pgrw.log"
"${barman[@]}" -q receive-wal --create-slot bench >/dev/null
jobs=$((clients < 2 ? clients : 2))

# tpcb: pgbench's own TPC-B-like transactions (about 1 KiB of WAL each once the pages have been written since the
# last checkpoint). heavy: 100 rows of 1 KiB per transaction, the table emptied now and then: WAL as fast as this
# machine writes it, the highest load.
cat > "$work/heavy.sql" <<'SQL'
\set n random(1, 400)
INSERT INTO wal_heavy SELECT g, repeat(md5(random()::text), 30) FROM generate_series(1, 100) g;
\if :n = 1
TRUNCATE wal_heavy;
\endif
SQL
psql "CREATE TABLE wal_heavy (id int, filler text)"
run_pgbench() { # load seconds
    local script=(); [ "$1" = heavy ] && script=(-f "$work/heavy.sql")
    PGOPTIONS="-c synchronous_commit=$commit" "$pgbin/pgbench" -n "${script[@]}" -c "$clients" -j "$jobs" -T "$2" \
        "${conn[@]}" postgres
}
tps() { grep -o 'tps = [0-9.]*' "$1" | head -1; }

echo "== 1. Under load, both receivers at once: pgbench -c $clients -j $jobs -T $seconds, loads: $loads"
start_pgrw --synchronous
start_barman
wait_streaming pg_receivewal barman_receive_wal
sleep 2
pgrw_cpu0=$(cpu_ticks "$pgrw_pid"); barman_cpu0=$(cpu_ticks "$barman_pid")
sleep 10
printf '   idle (no load, 10 s): pg_receivewal %.1f %% of a core, barman %.1f %%\n' \
    "$(calc "100 * ($(cpu_ticks "$pgrw_pid") - $pgrw_cpu0) / $tick / 10")" \
    "$(calc "100 * ($(cpu_ticks "$barman_pid") - $barman_cpu0) / $tick / 10")"
for load in $loads; do
    pgrw_cpu0=$(cpu_ticks "$pgrw_pid"); barman_cpu0=$(cpu_ticks "$barman_pid")
    start_sampler "$work/lag1-$load"
    lsn0=$(lsn); t0=$(now)
    run_pgbench "$load" "$seconds" > "$work/pgbench1" 2>&1
    lsn1=$(lsn); t1=$(now)
    psql "SELECT 'pg_receivewal|' || done FROM wait_flushed('pg_receivewal', '$lsn1')" > "$work/done1.pgrw" &
    waiter=$!
    psql "SELECT 'barman|' || done FROM wait_flushed('barman_receive_wal', '$lsn1')" > "$work/done1"
    wait "$waiter"
    cat "$work/done1.pgrw" >> "$work/done1"
    stop_sampler
    pgrw_cpu=$(calc "($(cpu_ticks "$pgrw_pid") - $pgrw_cpu0) / $tick")
    barman_cpu=$(calc "($(cpu_ticks "$barman_pid") - $barman_cpu0) / $tick")
    bytes1=$(diff_lsn "$lsn1" "$lsn0")
    printf '   %s: %s; WAL written: %s MiB in %.1f s = %s MiB/s\n' "$load" "$(tps "$work/pgbench1")" "$(mib "$bytes1")" \
        "$(calc "$t1 - $t0")" "$(mib "$bytes1 / ($t1 - $t0)")"
    for r in pg_receivewal barman; do
        done_at=$(awk -F'|' -v r="$r" '$1 == r { print $2 }' "$work/done1")
        cpu=$pgrw_cpu; app=pg_receivewal
        [ "$r" = barman ] && cpu=$barman_cpu && app=barman_receive_wal
        printf '   %-15s all of it flushed %.2f s after pgbench ended: %s MiB/s; CPU %.1f s (%.1f s per GiB)\n' "$r" \
            "$(calc "$done_at - $t1")" "$(mib "$bytes1 / ($done_at - $t0)")" "$cpu" \
            "$(calc "$cpu * 1073741824 / $bytes1")"
        printf '   %-15s flush lag: %s\n' "" "$(lag_stats "$work/lag1-$load" "$app")"
        printf '   %-15s of which not sent yet by the server: %s\n' "" "$(lag_stats "$work/lag1-$load" "$app" 4)"
    done
    rate_pgrw1=$(calc "$bytes1 / ($(awk -F'|' '$1 == "pg_receivewal" { print $2 }' "$work/done1") - $t0)")
    rate_barman1=$(calc "$bytes1 / ($(awk -F'|' '$1 == "barman" { print $2 }' "$work/done1") - $t0)")
    printf '   Barman / pg_receivewal under %s load: %.3f\n' "$load" "$(calc "$rate_barman1 / $rate_pgrw1")"
done
stop_pgrw
stop_barman
end=$(lsn)
psql "SELECT slot_name, restart_lsn, '$end' AS current FROM pg_replication_slots ORDER BY 1" | sed 's/^/   slot /'
compare_with_pg_wal "$work/pgrw" pg_receivewal "$lsn1"
compare_with_pg_wal "$streaming" barman "$lsn1"

echo "== 2. Catch-up: $backlog_mib MiB of WAL kept by the slots, each receiver alone, $rounds rounds"
psql "CREATE TABLE backlog (id bigint, filler text)"
sum_pgrw=0; sum_barman=0
catch_up() { # receiver from target (both receivers had flushed up to "from")
    local from=$2 t_launch
    set -- "$1" "$3"
    local app=pg_receivewal; [ "$1" = barman ] && app=barman_receive_wal
    psql "SELECT seen || ' ' || done FROM wait_flushed('$app', '$2')" > "$work/done2" &
    local waiter=$!
    sleep 0.2
    t_launch=$(now)
    if [ "$1" = barman ]; then
        start_barman; wait "$waiter"; stop_barman
    else
        start_pgrw -E "$2"; wait "$pgrw_pid"; wait "$waiter"
    fi
    read -r seen done_at < "$work/done2"
    local bytes; bytes=$(diff_lsn "$2" "$from")
    local rate; rate=$(calc "$bytes / ($done_at - $seen)")
    printf '   %-15s %s MiB from %s to %s: %.2f s = %s MiB/s (from process start: %.2f s = %s MiB/s)\n' "$1" \
        "$(mib "$bytes")" "$from" "$2" "$(calc "$done_at - $seen")" "$(mib "$rate")" "$(calc "$done_at - $t_launch")" \
        "$(mib "$bytes / ($done_at - $t_launch)")"
    last_rate=$rate
    [ "$1" = barman ] && round_barman=$rate || round_pgrw=$rate
}
for round in $(seq 1 "$rounds"); do
    start=$(lsn)
    psql "TRUNCATE backlog"
    until [ "$(diff_lsn "$(lsn)" "$start")" -ge $((backlog_mib * 1048576)) ]; do
        psql "INSERT INTO backlog SELECT g, md5(g::text) FROM generate_series(1, 500000) g"
    done
    psql "CHECKPOINT"
    sync
    target=$(lsn)
    order="pg_receivewal barman"; [ $((round % 2)) = 0 ] && order="barman pg_receivewal"
    echo "   round $round ($order):"
    for r in $order; do
        catch_up "$r" "$start" "$target"
        if [ "$r" = barman ]; then sum_barman=$(calc "$sum_barman + $last_rate"); else sum_pgrw=$(calc "$sum_pgrw + $last_rate"); fi
        sync
    done
    printf '   round %d: Barman / pg_receivewal = %.3f\n' "$round" "$(calc "$round_barman / $round_pgrw")"
done
printf '   mean catch-up: pg_receivewal %s MiB/s, barman %s MiB/s; Barman / pg_receivewal = %.3f (target >= 0.90)\n' \
    "$(mib "$sum_pgrw / $rounds")" "$(mib "$sum_barman / $rounds")" "$(calc "$sum_barman / $sum_pgrw")"
compare_with_pg_wal "$work/pgrw" pg_receivewal "$target"
compare_with_pg_wal "$streaming" barman "$target"

long_load=${loads##* }
echo "== 3. Barman alone, $long_load load, pgbench -c $clients -j $jobs -T $long: heap after a full GC every $heap_every s"
psql "DROP TABLE backlog"
psql "SELECT pg_drop_replication_slot('pgrw')" >/dev/null
rm -rf "$work/pgrw"
printf 'GC.run\nGC.heap_info\n' > "$work/jcmd"
heap_sample() { # prints "seconds used_KiB rss_KiB"
    local out; out=$(jcmd "$barman_pid" -f "$work/jcmd" 2>&1)
    local used; used=$(echo "$out" | awk '/generation +total/ && match($0, /used [0-9]+K/) {
        s += substr($0, RSTART + 5, RLENGTH - 6) } END { print s + 0 }')
    [ "$used" -gt 0 ] || { echo "jcmd failed: $out" >&2; exit 1; }
    printf '%.1f %d %d\n' "$(calc "$(now) - $t3")" "$used" "$(awk '/VmRSS/ { print $2 }' "/proc/$barman_pid/status")"
}
clean_streamed() { find "$streaming" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9A-F]{24}' -delete; }
clean_streamed
start_barman
wait_streaming barman_receive_wal
t3=$(now)
sleep 2
heap_sample > "$work/heap"
barman_cpu0=$(cpu_ticks "$barman_pid")
start_sampler "$work/lag3"
lsn3=$(lsn)
run_pgbench "$long_load" "$long" > "$work/pgbench3" 2>&1 &
bench_pid=$!
while kill -0 "$bench_pid" 2>/dev/null; do
    sleep "$heap_every"
    clean_streamed
    heap_sample >> "$work/heap"
done
wait "$bench_pid" || true
lsn4=$(lsn)
psql "SELECT done FROM wait_flushed('barman_receive_wal', '$lsn4')" >/dev/null
stop_sampler
heap_sample >> "$work/heap"
bytes3=$(diff_lsn "$lsn4" "$lsn3")
barman_cpu=$(calc "($(cpu_ticks "$barman_pid") - $barman_cpu0) / $tick")
printf '   %s; WAL streamed: %s MiB (%.1f GiB) in %s s, %s MiB/s\n' \
    "$(tps "$work/pgbench3")" "$(mib "$bytes3")" "$(calc "$bytes3 / 1073741824")" \
    "$long" "$(mib "$bytes3 / $long")"
printf '   = %.1f hours of a server writing one segment a minute; receiver CPU %.1f s (%.1f s per GiB)\n' \
    "$(calc "$bytes3 / 16777216 / 60")" "$barman_cpu" "$(calc "$barman_cpu * 1073741824 / $bytes3")"
printf '   flush lag: %s\n' "$(lag_stats "$work/lag3" barman_receive_wal)"
printf '   of which not sent yet by the server: %s\n' "$(lag_stats "$work/lag3" barman_receive_wal 4)"
awk '{ printf "   heap sample at %6.1f s: %6d KiB used after full GC, RSS %6d KiB\n", $1, $2, $3 }' "$work/heap"
awk '{ n++; x[n] = $1 / 60; y[n] = $2; if ($2 > max) max = $2; if ($3 > rmax) rmax = $3; sx += x[n]; sy += $2 }
     END { mx = sx / n; my = sy / n; for (i = 1; i <= n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2 }
           printf "   heap after GC: first %d KiB, last %d KiB, max %d KiB, slope %.1f KiB/min over %.1f min; max RSS %d KiB\n",
               y[1], y[n], max, sxy / sxx, x[n] - x[1], rmax }' "$work/heap"
stop_barman
compare_with_pg_wal "$streaming" barman "$lsn4"
[ "$mismatch" -eq 0 ] || { echo "ERROR: a receiver's WAL differs from the server's" >&2; exit 1; }
