#!/usr/bin/env bash
# WAL archiving and get-wal throughput of the built distribution, against cp on the same files.
#
#   benchmarks/scripts/wal-archive.sh [SEGMENTS] [GETWAL_RUNS]     (defaults: 256 segments, 20 get-wal runs)
#
# 1. Archiving: SEGMENTS real-sized (16 MiB) segments, made from the real pgbench WAL segment of the benchmarks
#    module (each copy made unique in its first page), are put into a server's incoming folder, and
#    `barman archive-wal` moves them into the archive with compression none, gzip, zstd and lz4; the figure is
#    segments per second of the whole command (JVM start included). Reference: `cp` + fsync of the same files
#    into another folder.
# 2. get-wal: GETWAL_RUNS fresh `barman get-wal` processes (JVM start included) each writing one archived
#    segment to a file, per compression; the figure is milliseconds per segment. Reference: `cp` of the
#    uncompressed segment, also one process per file.
# Everything lives in a temporary folder, removed at the end. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
segments=${1:-256}
runs=${2:-20}
if [ ! -x barman-cli/target/barman/bin/barman ]; then
    mvn -B -q package -DskipTests
fi
barman=$(pwd)/barman-cli/target/barman/bin/barman
fixture=benchmarks/src/main/resources/org/barman/benchmarks/pgbench-wal-segment.zst
work=$(mktemp -d /tmp/barman-walbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

zstd -q -d -c "$fixture" > "$work/segment"
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/home
barman_user = $(id -un)
CONF
for c in none gzip zstd lz4; do
    printf '\n[%s]\nconninfo = host=127.0.0.1\n' "$c" >> "$work/barman.conf"
    [ "$c" != none ] && echo "compression = $c" >> "$work/barman.conf"
    mkdir -p "$work/home/$c/incoming"
done

fill() { # folder
    for i in $(seq 1 "$segments"); do
        name=$(printf '0000000100000%03X000000%02X' $((i / 256)) $((i % 256)))
        cp "$work/segment" "$1/$name"
        printf '%08d' "$i" | dd of="$1/$name" bs=1 seek=40 conv=notrunc status=none
    done
}

echo "== Archiving $segments segments of 16 MiB"
mkdir -p "$work/src" "$work/cp-target"
fill "$work/src"
cat "$work/src"/* > /dev/null
start=$(now)
for f in "$work/src"/*; do cp "$f" "$work/cp-target/"; done
sync -f "$work/cp-target"
cp_s=$(elapsed "$start" "$(now)")
printf '| %-22s | %8.1f segments/s |\n' "cp + sync (reference)" "$(echo "$segments / $cp_s" | bc -l)"
for c in none gzip zstd lz4; do
    rm -rf "$work/home/$c/incoming"
    cp -al "$work/src" "$work/home/$c/incoming"
    cat "$work/home/$c/incoming"/* > /dev/null
    start=$(now)
    "$barman" -c "$work/barman.conf" -q archive-wal "$c"
    s=$(elapsed "$start" "$(now)")
    printf '| barman archive-wal %-4s| %8.1f segments/s |\n' "$c" "$(echo "$segments / $s" | bc -l)"
done
rm -rf "$work/src" "$work/cp-target"

sync  # the archives' dirty pages would otherwise be written back during the get-wal runs
echo "== get-wal, one process per segment, $runs runs"
wal=$(printf '0000000100000%03X000000%02X' 0 1)
start=$(now)
for i in $(seq 1 "$runs"); do cp "$work/home/none/wals/0000000100000000/$wal" "$work/out"; done
ref=$(elapsed "$start" "$(now)")
printf '| %-22s | %8.1f ms/segment |\n' "cp (reference)" "$(echo "1000 * $ref / $runs" | bc -l)"
# The floor of any Java command: the same JVM options as bin/barman's get-wal, printing nothing.
printf 'class Nothing { public static void main(String[] a) { } }\n' > "$work/Nothing.java"
javac -d "$work" "$work/Nothing.java"
start=$(now)
for i in $(seq 1 "$runs"); do
    java -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$work" Nothing
done
jvm=$(elapsed "$start" "$(now)")
printf '| %-22s | %8.1f ms/segment |\n' "empty Java program" "$(echo "1000 * $jvm / $runs" | bc -l)"
for c in none gzip zstd lz4; do
    "$barman" -c "$work/barman.conf" get-wal "$c" "$wal" > "$work/out"
    start=$(now)
    for i in $(seq 1 "$runs"); do "$barman" -c "$work/barman.conf" get-wal "$c" "$wal" > "$work/out"; done
    s=$(elapsed "$start" "$(now)")
    printf '| barman get-wal %-8s| %8.1f ms/segment |\n' "$c" "$(echo "1000 * $s / $runs" | bc -l)"
done
