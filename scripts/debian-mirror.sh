#!/usr/bin/env bash
# debian-mirror.sh prints the Debian archive URL this machine's apt uses (the first
# "URIs:" of a deb822 source, or the first "deb" line of sources.list), so debootstrap
# fetches from the same mirror apt does.
set -euo pipefail
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	u="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$f")"
	if [ -n "$u" ]; then echo "$u"; exit 0; fi
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	u="$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' "$f")"
	if [ -n "$u" ]; then echo "$u"; exit 0; fi
done
echo "debian-mirror: no Debian source in /etc/apt/sources.list*" >&2
exit 1
