#!/usr/bin/env bash
# Runs every test of Barman for Java on a Debian machine: installs what is missing (Debian packages: JDK,
# Maven, PostgreSQL 15, rsync, OpenSSH, compression tools), then builds and runs unit and integration tests
# against a real PostgreSQL, the real rsync and a real sshd on loopback.
#
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec mvn -B verify "$@"
