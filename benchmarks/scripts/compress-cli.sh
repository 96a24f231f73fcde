#!/usr/bin/env bash
# The command-line side of docs/performance.md: runs the benchmarks' WAL segment (16 MiB, PostgreSQL 15 under
# pgbench) through gzip -6, bzip2 -9, xz -1, zstd -3 and lz4 -1, one thread each, and prints MB/s (10^6 bytes of
# uncompressed WAL per second) and ratio (compressed size / original size), as CompressionReport does for Java.
#
# Each figure is the best of RUNS runs (default 7) of `tool < file > /dev/null` with the file in the page cache,
# minus the tool's start-up cost (the best time of the same command on an empty file), so that fast tools are not
# penalised for starting a process, which the JMH side does not pay. zstd and lz4 also report their own in-memory
# benchmark (-b) as a cross-check.
#   benchmarks/scripts/compress-cli.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
fixture=$root/benchmarks/src/main/resources/org/barman/benchmarks/pgbench-wal-segment.zst
runs=${RUNS:-7}
work=$(mktemp -d /tmp/barman-compress-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT

zstd -q -d -c "$fixture" > "$work/segment"
: > "$work/empty"
size=$(stat -c %s "$work/segment")

# microseconds of the best of $runs runs of: $1 < $2 > /dev/null
best_us() {
  local command=$1 input=$2 best=0 t0 t1 elapsed
  for _ in $(seq "$runs"); do
    cat "$input" > /dev/null
    t0=${EPOCHREALTIME/./}
    $command < "$input" > /dev/null
    t1=${EPOCHREALTIME/./}
    elapsed=$(( t1 - t0 ))
    if [ "$best" -eq 0 ] || [ "$elapsed" -lt "$best" ]; then best=$elapsed; fi
  done
  echo "$best"
}

echo "| tool | command | compress MB/s | decompress MB/s | ratio |"
echo "|---|---|---:|---:|---:|"
while IFS='|' read -r name compress decompress; do
  $compress < "$work/segment" > "$work/$name.out"
  $compress < "$work/empty" > "$work/$name.empty"
  compressed=$(stat -c %s "$work/$name.out")
  c=$(( $(best_us "$compress" "$work/segment") - $(best_us "$compress" "$work/empty") ))
  d=$(( $(best_us "$decompress" "$work/$name.out") - $(best_us "$decompress" "$work/$name.empty") ))
  awk -v n="$name" -v cmd="$compress" -v s="$size" -v c="$c" -v d="$d" -v z="$compressed" \
    'BEGIN { printf "| %s | `%s` | %.1f | %.1f | %.4f |\n", n, cmd, s / c, s / d, z / s }'
done <<'TOOLS'
gzip|gzip -c -6|gzip -d -c
bzip2|bzip2 -c -9|bzip2 -d -c
xz|xz -c -1 -T1|xz -d -c -T1
zstd|zstd -q -c -3 -T1|zstd -q -d -c
lz4|lz4 -q -c -1|lz4 -q -d -c
TOOLS

echo
echo "In-memory benchmarks of the tools themselves (no file I/O, no start-up):"
zstd -b3 -T1 "$work/segment" 2>&1 | tr '\r' '\n' | grep -E 'MB/s' | tail -1
lz4 -b1 "$work/segment" 2>&1 | tr '\r' '\n' | grep -E 'MB/s' | tail -1
