#!/usr/bin/env bash
# Installs, from Debian's packages, what Barman for Java needs to build and to test against the real thing:
# a JDK 17 and Maven, PostgreSQL 15, rsync, OpenSSH (client and server), the compression tools, and groff
# (the tests check the generated man pages with it), and e2fsprogs (a test makes a disk that fails writes).
# Only what is missing is installed, so a machine that has everything stays untouched.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1; }

have javac || missing+=(openjdk-17-jdk-headless)
have mvn || missing+=(maven)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ -x /usr/lib/postgresql/15/bin/psql ] || missing+=(postgresql-client-15)
have rsync || missing+=(rsync)
have ssh || missing+=(openssh-client)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
have ssh-keygen || missing+=(openssh-client)
have gzip || missing+=(gzip)
have bzip2 || missing+=(bzip2)
have xz || missing+=(xz-utils)
have zstd || missing+=(zstd)
have lz4 || missing+=(lz4)
have runuser || missing+=(util-linux)
have groff || missing+=(groff-base)
# The tests' failing disk: ext4 on a loop device (mkfs.ext4; fallocate, fstrim and mount are util-linux's).
have mkfs.ext4 || missing+=(e2fsprogs)
have fstrim || missing+=(util-linux)
have mount || missing+=(mount)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
# De-duplicate.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
    echo "ERROR: missing Debian packages: ${missing[*]}" >&2
    echo "Install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
