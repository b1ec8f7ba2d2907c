#!/bin/bash
# Install the Debian packages listed in scripts/packages.txt that are missing.
# Idempotent and quiet when everything is present.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
list="$top/scripts/packages.txt"
missing=()
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	name=${line%%=*}
	if ! dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$line")
	fi
done < "$list"
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "deps: must run as root to install packages" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/numapol-apt.log 2>&1; then
	# The archive may have moved on: keep the kernel source pinned, take
	# the current version of anything else.
	relaxed=()
	for p in "${missing[@]}"; do
		case "$p" in
		linux-source-*) relaxed+=("$p") ;;
		*) relaxed+=("${p%%=*}") ;;
		esac
	done
	echo "deps: pinned install failed, retrying with current versions of tools" >&2
	apt-get install -y -q --no-install-recommends "${relaxed[@]}" >>/tmp/numapol-apt.log 2>&1 ||
		{ tail -20 /tmp/numapol-apt.log >&2; exit 1; }
fi
