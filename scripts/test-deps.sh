#!/usr/bin/env bash
# test-deps.sh installs the Debian packages the real-system tests use, when missing,
# and builds the cached Debian root filesystem for shared/baseline's tests.
# Idempotent: a second run installs nothing and reuses the cache.
#
#   debootstrap      builds the minbase Debian root the baseline tests probe
#   redis-server     the weakened Redis the weak-password tests start on loopback
#   mariadb-server   the weakened MariaDB (empty / weak root)
#   postgresql       the weakened PostgreSQL (trust in pg_hba, weak md5/SCRAM)
#
# Needs root for apt-get and debootstrap; as another user it only reports what is missing.
set -euo pipefail

need=()
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } || need+=(mariadb-server)
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)

if [ "${#need[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "test-deps: missing ${need[*]} and not root: install them with apt-get" >&2
		exit 1
	fi
	echo "test-deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# The packages' own postinst must not start daemons on this machine: the tests
	# start their own instances on loopback ports.
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The cached root filesystem (shared/baseline/realsys_test.go builds the same one when missing).
if [ "$(id -u)" = 0 ] && [ -z "${CSPM_SKIP_DEBOOTSTRAP:-}" ]; then
	cache="${CSPM_DEBOOTSTRAP_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cspm/debootstrap-bookworm}"
	if [ ! -f "$cache/.complete" ]; then
		mirror="$(bash "$(dirname "$0")/debian-mirror.sh")"
		echo "test-deps: debootstrap bookworm (minbase) into $cache"
		rm -rf "$cache.tmp"
		mkdir -p "$(dirname "$cache")"
		timeout 900 debootstrap --variant=minbase \
			--include=openssh-server,sudo,auditd,rsyslog,cron,libpam-pwquality,apparmor,chrony,logrotate,procps,kmod \
			bookworm "$cache.tmp" "$mirror" >"$cache.log" 2>&1 || {
			echo "test-deps: debootstrap failed, see $cache.log" >&2
			tail -20 "$cache.log" >&2
			exit 1
		}
		rm -rf "$cache"
		mv "$cache.tmp" "$cache"
		touch "$cache/.complete"
	fi
fi
echo "test-deps: ok"
