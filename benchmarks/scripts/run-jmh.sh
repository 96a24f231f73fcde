#!/usr/bin/env bash
# Builds the benchmarks module and runs the compression benchmark through CompressionReport, which prints
# JMH's results and then the MB/s and ratio table of docs/performance.md. Arguments go to JMH, for example:
#   benchmarks/scripts/run-jmh.sh -p compression=zstd,lz4 -wi 2 -i 3
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests
jar=$(ls benchmarks/target/barman-benchmarks-*.jar)
exec java -cp "$jar:benchmarks/target/lib/*" org.barman.benchmarks.CompressionReport "$@"
