#!/usr/bin/env bash
# Full base backups of a pgbench cluster over loopback SSH: `barman backup` through the rsync transport
# (parallel_jobs = 1 and 2) against plain `rsync -a` over the same ssh, and `pg_basebackup` (plain format, over
# the replication protocol), as docs/performance.md ("rsync transport") reports them. Target (issue 7): the rsync
# transport within 1.2x of `rsync -a` over SSH.
#
#   benchmarks/scripts/backup-transports.sh [SCALE] [RUNS]
#
# SCALE is pgbench's -s (default 100: 1.6 GB of PGDATA outside pg_wal), RUNS how many rounds of timings (default 3;
# each way runs once per round, round robin). Runs as root (sshd, and PostgreSQL as the postgres user); needs PostgreSQL 15 (Debian),
# rsync, openssh-server and the distribution, built with `mvn -q package -DskipTests` into
# barman-cli/target/barman. Everything lives in a temporary folder, removed at the end with the cluster and sshd.
#
# "The rsync transport's pull alone" runs TransportPull.java (one pull of PGDATA through the plug-in, timed inside
# its JVM): the transport's cost without what a whole `barman backup` adds (JVM start, backup start and stop in
# PostgreSQL, WAL archiving).
#
# What is timed, each way from the same warm page cache (PGDATA is read just before each run), with the copy's
# durability as each tool has it: Barman's transport syncs what it wrote before it returns (sync -f), and
# pg_basebackup fsyncs too; `rsync -a` does not, so it is timed alone and followed by `sync -f` ("rsync -a + sync").
# Ratios divide by plain `rsync -a`, the issue's reference: the ratio of the best runs, and the median of the ratios
# of each round (each way against the rsync -a of its own round), which load from other jobs moves less.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scale=${1:-100}
runs=${2:-3}
barman=$root/barman-cli/target/barman/bin/barman
pgbin=/usr/lib/postgresql/15/bin

[ "$(id -u)" -eq 0 ] || { echo "run as root: sshd must start as root and PostgreSQL runs as postgres" >&2; exit 1; }
[ -x "$barman" ] || { echo "$barman is missing: build it with mvn -q package -DskipTests" >&2; exit 1; }

work=$(mktemp -d /tmp/barman-bench-transports.XXXXXX)
chmod 755 "$work"
pgdata=$work/pgdata
sshd_pid=
cleanup() {
  set +e
  [ -f "$pgdata/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- a throw-away sshd on loopback (as barman-testkit's SshServer does it)
mkdir -p "$work/ssh/keys" /run/sshd
ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$work/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -C bench-client -f "$work/ssh/client_key"
cp "$work/ssh/client_key.pub" "$work/ssh/keys/postgres"
chmod 755 "$work/ssh" "$work/ssh/keys"; chmod 644 "$work/ssh/keys/postgres"
ssh_port=$(free_port)
cat > "$work/ssh/sshd_config" <<EOF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $work/ssh/host_key
PidFile $work/ssh/sshd.pid
AuthorizedKeysFile $work/ssh/keys/%u
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
UseDNS no
PrintMotd no
AllowUsers postgres
EOF
/usr/sbin/sshd -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log"
for _ in $(seq 100); do [ -s "$work/ssh/sshd.pid" ] && break; sleep 0.05; done
sshd_pid=$(cat "$work/ssh/sshd.pid")
echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$work/ssh/host_key.pub")" > "$work/ssh/known_hosts"
ssh_command="ssh -F none -p $ssh_port -i $work/ssh/client_key -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/ssh/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes"

# ---- PostgreSQL 15 with pgbench data, archiving into Barman's incoming folder
home=$work/home
mkdir -p "$home/main/incoming" "$work/socket"
chown -R postgres "$home/main/incoming" "$work/socket"
pg_port=$(free_port)
mkdir -m 700 "$pgdata" && chown postgres "$pgdata"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
cat >> "$pgdata/postgresql.conf" <<EOF
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work/socket'
wal_level = replica
max_wal_senders = 4
archive_mode = on
archive_command = 'cp %p $home/main/incoming/%f'
checkpoint_timeout = 30min
max_wal_size = 4GB
EOF
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/postgres.log" -w start >/dev/null
psql() { runuser -u postgres -- "$pgbin/psql" -h "$work/socket" -p "$pg_port" -U postgres -d postgres -qAt "$@"; }
echo "Creating the pgbench cluster (scale $scale)..." >&2
runuser -u postgres -- "$pgbin/pgbench" -h "$work/socket" -p "$pg_port" -U postgres -i -q -s "$scale" postgres \
  >/dev/null 2>&1
psql -c "CHECKPOINT" >/dev/null
size=$(du -sb "$pgdata" | cut -f1)

cat > "$work/barman.conf" <<EOF
[barman]
barman_home = $home
barman_user = root
log_level = WARNING

[main]
conninfo = host=127.0.0.1 port=$pg_port user=postgres dbname=postgres
ssh_command = $ssh_command postgres@127.0.0.1
immediate_checkpoint = true
reuse_backup = off
EOF

warm() { find "$pgdata" -type f -exec cat {} + > /dev/null; }

# What Barman leaves out of PGDATA (PgDataExclusions), so that the reference copies the same bytes.
excludes=(--exclude='/pg_wal/*' --exclude='/pg_replslot/*' --exclude='/pg_dynshmem/*' --exclude='/pg_notify/*'
  --exclude='/pg_serial/*' --exclude='/pg_snapshots/*' --exclude='/pg_stat_tmp/*' --exclude='/pg_subtrans/*'
  --exclude=/postmaster.pid --exclude=/postmaster.opts --exclude=pgsql_tmp* --exclude=pg_internal.init)
rsync_a() { rsync -a "${excludes[@]}" -e "$ssh_command" postgres@127.0.0.1:"$pgdata"/ "$work/copy"/; }
rsync_a_sync() { rsync_a; sync -f "$work"; }
# The same exclusions as CopyJob patterns, for the transport alone.
patterns=('/pg_wal/*' '/pg_replslot/*' '/pg_dynshmem/*' '/pg_notify/*' '/pg_serial/*' '/pg_snapshots/*'
  '/pg_stat_tmp/*' '/pg_subtrans/*' /postmaster.pid /postmaster.opts 'pgsql_tmp*' pg_internal.init)
transport_p1() {
  java -cp "$root/barman-cli/target/barman/lib/*" "$root/benchmarks/scripts/TransportPull.java" rsync \
    "$ssh_command postgres@127.0.0.1" 1 "$pgdata" "$work/copy" "${patterns[@]}"
}
barman_p1() { "$barman" -q -c "$work/barman.conf" backup main; }
barman_p2() { "$barman" -q -c "$work/barman-p2.conf" backup main; }
basebackup() {
  "$pgbin/pg_basebackup" -h "$work/socket" -p "$pg_port" -U postgres -D "$work/copy" -Fp -X fetch -c fast
}
sed 's/^reuse_backup = off$/reuse_backup = off\nparallel_jobs = 2/' "$work/barman.conf" > "$work/barman-p2.conf"

# The WAL that pgbench -i wrote reaches Barman's archive now, not during the first timed backup.
barman_p1 > /dev/null 2>&1 || { echo "the first barman backup failed" >&2; barman_p1 >&2; exit 1; }

ways=(rsync_a rsync_a_sync transport_p1 barman_p1 barman_p2 basebackup)
declare -A label=(
  [rsync_a]="rsync -a over ssh (Barman's exclusions)"
  [rsync_a_sync]="rsync -a over ssh, then sync -f"
  [transport_p1]="rsync transport's pull alone (in a JVM already started), parallel_jobs = 1"
  [barman_p1]="barman backup, rsync transport, parallel_jobs = 1"
  [barman_p2]="barman backup, rsync transport, parallel_jobs = 2"
  [basebackup]="pg_basebackup -Fp -X fetch (fsync)")
declare -A best_ms
declare -A all_ms

# one timed run of a way, from a warm cache and an empty destination: milliseconds
time_one() {
  local t0 t1
  rm -rf "$work/copy" "$home/main/base"
  sync
  psql -c "CHECKPOINT" >/dev/null
  warm
  t0=${EPOCHREALTIME/./}
  if ! "$1" > "$work/output" 2>&1; then
    echo "$1 failed:" >&2; cat "$work/output" >&2; exit 1
  fi
  t1=${EPOCHREALTIME/./}
  if grep -q '^elapsed_ms=' "$work/output"; then
    sed -n 's/^elapsed_ms=//p' "$work/output"
  else
    echo $(( (t1 - t0) / 1000 ))
  fi
}

echo "Timing: $runs rounds, each way once per round (round robin, so that load from elsewhere hits all ways);" \
  "the best run of each way is kept" >&2
for round in $(seq "$runs"); do
  for way in "${ways[@]}"; do
    ms=$(time_one "$way")
    echo "  round $round: ${label[$way]}: $ms ms" >&2
    if [ -z "${best_ms[$way]:-}" ] || [ "$ms" -lt "${best_ms[$way]}" ]; then best_ms[$way]=$ms; fi
    all_ms[$way]="${all_ms[$way]:-} $ms"
  done
done
copied=$(du -sb --exclude=pg_wal "$pgdata" | cut -f1)
reference=${best_ms[rsync_a]}

echo
echo "PGDATA: $(awk -v s="$size" 'BEGIN { printf "%.2f GB", s / 1e9 }') (pgbench -s $scale), of which" \
  "$(awk -v s="$copied" 'BEGIN { printf "%.2f GB", s / 1e9 }') outside pg_wal;" \
  "$(rsync --version | head -1 | sed 's/  */ /g'); $(ssh -V 2>&1); $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| way | seconds (best of $runs) | MB/s (PGDATA without pg_wal) | ratio of the bests | median of the rounds' ratios |"
echo "|---|---:|---:|---:|---:|"
read -r -a reference_runs <<< "${all_ms[rsync_a]}"
for way in "${ways[@]}"; do
  read -r -a runs_ms <<< "${all_ms[$way]}"
  ratios=$(for i in "${!runs_ms[@]}"; do awk -v a="${runs_ms[$i]}" -v b="${reference_runs[$i]}" 'BEGIN { print a / b }'; done \
    | sort -g | awk '{ r[NR] = $1 } END { if (NR % 2) print r[(NR + 1) / 2]; else print (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
  awk -v w="${label[$way]}" -v ms="${best_ms[$way]}" -v ref="$reference" -v s="$copied" -v med="$ratios" \
    'BEGIN { printf "| %s | %.2f | %.0f | %.2f | %.2f |\n", w, ms / 1000, s / 1e6 / (ms / 1000), ms / ref, med }'
done
