#!/usr/bin/env bash
# End-to-end benchmark of `transport = ssh` (docs/performance.md, "ssh transport"): a full `barman backup` of a pgbench cluster
# over loopback SSH, with parallel_jobs 1 and 2, against plain `rsync -a` over the same SSH (with and without
# --fsync: Barman fsyncs what it copies, rsync -a does not; both leave out pg_wal and the rest Barman leaves out)
# and `pg_basebackup`.
#
#   benchmarks/scripts/backup-ssh.sh [SCALE]     # pgbench -i -s SCALE, default 100 (about 1.5 GB of PGDATA)
#
# Environment: RUNS (default 3) rounds, each running every method once in turn; SKIP_BUILD=1 to use the existing
# distribution (barman-cli/target/barman/bin/barman, built with `mvn -q -o package -DskipTests`); PROBE=1 to also
# time the two ways of streaming files over JSch that the transport chose between (SshStreamProbe.java).
# Needs root (PostgreSQL runs as the postgres user, sshd switches users), PostgreSQL 15 and openssh-server.
# KEEP=1 leaves the cluster, sshd and barman.conf running for a closer look (the script says how to stop them).
# Every method starts with the cluster's files in the page cache and the previous copy deleted and synced away.
# Reported per method: wall time (best, median, every run), the ratios to plain rsync, the CPU time of the processes
# on this side (user + system: rsync and ssh, or the whole barman JVM), and for barman the copy phase alone (from
# its log: "Copying" to "Asking PostgreSQL to stop"), without the JVM start, the checkpoint and the stop.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scale=${1:-100}
runs=${RUNS:-3}
pgbin=/usr/lib/postgresql/15/bin
barman=$root/barman-cli/target/barman/bin/barman

[ "$(id -u)" -eq 0 ] || { echo "run as root: PostgreSQL runs as postgres and sshd must switch users" >&2; exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$root" && flock /tmp/barman-mvn.lock mvn -q -o package -DskipTests)
fi
[ -x "$barman" ] || { echo "$barman is missing: build the distribution first" >&2; exit 1; }

work=$(mktemp -d /tmp/barman-ssh-bench.XXXXXX)
chmod 755 "$work"
pgdata=$work/pgdata
sshd_pid=""
cleanup() {
  if [ -n "${KEEP:-}" ]; then
    echo "kept $work: stop with: kill $sshd_pid; runuser -u postgres -- $pgbin/pg_ctl -D $pgdata stop; rm -rf $work" >&2
    return
  fi
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  [ -f "$pgdata/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- PostgreSQL 15 with pgbench data, archiving into Barman's incoming folder
pgport=$(free_port)
mkdir -p "$work/socket" "$work/home/main/incoming" "$work/copies" "$pgdata"
chown postgres "$work/socket" "$work/home/main/incoming" "$pgdata"
chmod 700 "$pgdata"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
cat >> "$pgdata/postgresql.conf" <<EOF
port = $pgport
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work/socket'
wal_level = replica
archive_mode = on
archive_command = 'cp %p $work/home/main/incoming/%f'
max_wal_senders = 4
shared_buffers = 128MB
max_wal_size = 4GB
checkpoint_timeout = 30min
EOF
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/postgres.log" -w start >/dev/null
echo "pgbench -i -s $scale ..." >&2
runuser -u postgres -- "$pgbin/pgbench" -i -q -s "$scale" -h 127.0.0.1 -p "$pgport" -U postgres postgres 2>/dev/null
runuser -u postgres -- "$pgbin/psql" -qAt -h 127.0.0.1 -p "$pgport" -U postgres -c checkpoint postgres
pgdata_bytes=$(du -sb --exclude=pg_wal "$pgdata" | cut -f1)
pgdata_files=$(find "$pgdata" -path "$pgdata/pg_wal" -prune -o -type f -print | wc -l)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- a throw-away sshd on loopback; the client logs in as postgres, host key checked
sshport=$(free_port)
mkdir -p "$work/ssh" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host" -C bench-host
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/client" -C bench-client
cp "$work/ssh/client.pub" "$work/ssh/authorized_postgres"
chmod 644 "$work/ssh/authorized_postgres"
cat > "$work/ssh/sshd_config" <<EOF
Port $sshport
ListenAddress 127.0.0.1
HostKey $work/ssh/host
PidFile $work/ssh/sshd.pid
AuthorizedKeysFile $work/ssh/authorized_%u
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
UseDNS no
AllowUsers postgres
Subsystem sftp internal-sftp
EOF
/usr/sbin/sshd -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log"
for _ in $(seq 50); do [ -s "$work/ssh/sshd.pid" ] && break; sleep 0.1; done
sshd_pid=$(cat "$work/ssh/sshd.pid")
echo "[127.0.0.1]:$sshport $(cut -d' ' -f1,2 "$work/ssh/host.pub")" > "$work/ssh/known_hosts"
ssh_command="ssh -F none -p $sshport -i $work/ssh/client -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes postgres@127.0.0.1"
$ssh_command true

write_config() {
  cat > "$work/barman.conf" <<EOF
[barman]
barman_home = $work/home
barman_user = root
log_level = INFO
log_file = $work/barman.log

[main]
conninfo = host=127.0.0.1 port=$pgport user=postgres dbname=postgres
ssh_command = $ssh_command
transport = ssh
parallel_jobs = $1
reuse_backup = off
backup_options = concurrent_backup
EOF
}

# ---- the methods, each copying the whole cluster once; rsync leaves out what Barman leaves out (pg_wal...)
excludes=()
for pattern in '/pg_wal/*' '/pg_replslot/*' '/pg_dynshmem/*' '/pg_notify/*' '/pg_serial/*' '/pg_snapshots/*' \
    '/pg_stat_tmp/*' '/pg_subtrans/*' /postmaster.pid /postmaster.opts /current_logfiles /backup_manifest \
    /postgresql.auto.conf.tmp pg_internal.init 'pgsql_tmp*' /backup_label /tablespace_map; do
  excludes+=("--exclude=$pattern")
done
m_rsync()       { rsync -a "${excludes[@]}" -e "$ssh_command" ":$pgdata/" "$work/copies/rsync/"; }
m_rsync_fsync() { rsync -a --fsync "${excludes[@]}" -e "$ssh_command" ":$pgdata/" "$work/copies/rsync/"; }
m_basebackup()  { "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$pgport" -U postgres -D "$work/copies/basebackup" -Fp -X fetch; }
m_ssh_1()       { write_config 1; "$barman" -c "$work/barman.conf" -q backup main >/dev/null; }
m_ssh_2()       { write_config 2; "$barman" -c "$work/barman.conf" -q backup main >/dev/null; }
methods="rsync rsync_fsync basebackup ssh_1 ssh_2"
declare -A label=([rsync]='`rsync -a` over ssh' [rsync_fsync]='`rsync -a --fsync` over ssh'
  [basebackup]='`pg_basebackup -Fp -X fetch`' [ssh_1]='`barman backup`, transport = ssh, parallel_jobs = 1'
  [ssh_2]='`barman backup`, transport = ssh, parallel_jobs = 2')

prepare() {
  rm -rf "$work/copies"/* "$work/home/main/base"
  sync
  find "$pgdata" -type f -exec cat {} + > /dev/null 2>&1 || true
}

declare -A times cpus copies
TIMEFORMAT='%R %U %S'
exec 3>&2
for round in $(seq "$runs"); do
  for method in $methods; do
    prepare
    : > "$work/barman.log"
    { time "m_$method" 2>&3; } 2> "$work/time"
    read -r elapsed user sys < "$work/time"
    times[$method]="${times[$method]:-} $elapsed"
    cpus[$method]="${cpus[$method]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    copy=""
    if [ "${method#ssh}" != "$method" ]; then
      copy=$(awk '/Copying /{ a = $2 } /Asking PostgreSQL to stop/{ b = $2 }
        function s(t) { split(t, p, /[:,]/); return p[1] * 3600 + p[2] * 60 + p[3] + p[4] / 1000 }
        END { printf "%.2f", s(b) - s(a) }' "$work/barman.log")
      copies[$method]="${copies[$method]:-} $copy"
    fi
    echo "round $round: $method ${elapsed}s (cpu ${user}+${sys}s${copy:+, copy ${copy}s})" >&2
  done
done

best()   { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | head -1; }
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
reference=$(best "${times[rsync]}")
reference_median=$(median "${times[rsync]}")
echo
echo "pgbench -s $scale: $(awk -v b="$pgdata_bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') in $pgdata_files files; $runs rounds; $(nproc) CPUs; load before: $load_before; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| method | best s | median s | runs s | best / best rsync -a | median / median rsync -a | CPU s here (median) | copy phase s (median) |"
echo "|---|---:|---:|---|---:|---:|---:|---:|"
for method in $methods; do
  b=$(best "${times[$method]}")
  m=$(median "${times[$method]}")
  c=""
  [ -n "${copies[$method]:-}" ] && c=$(median "${copies[$method]}")
  awk -v l="${label[$method]}" -v b="$b" -v m="$m" -v r="${times[$method]# }" -v ref="$reference" \
    -v refm="$reference_median" -v cpu="$(median "${cpus[$method]}")" -v c="$c" \
    'BEGIN { printf "| %s | %.2f | %.2f | %s | %.2f | %.2f | %.2f | %s |\n", l, b, m, r, b / ref, m / refm, cpu, c }'
done

if [ -n "${PROBE:-}" ]; then
  echo
  jsch=$(ls ~/.m2/repository/com/github/mwiede/jsch/*/jsch-*.jar | sort -V | tail -1)
  java -cp "$jsch" "$root/benchmarks/scripts/SshStreamProbe.java" 127.0.0.1 "$sshport" postgres \
    "$work/ssh/client" "$work/ssh/known_hosts" "$pgdata" "$runs"
fi
