#!/bin/bash
# Print a kernel file as it is after the hunks of every patch before
# PATCHDIR (in series order): the base a new hunk of PATCHDIR is made on.
#   scripts/stage-file.sh patches/05-foo fs/proc/base.c > /tmp/base.c
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
pdir=$(basename "$1") rel=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/$(dirname "$rel")"
cp "$out/pristine/$rel" "$tmp/$rel"
for d in "$top"/patches/*/; do
	[ "$(basename "$d")" \< "$pdir" ] || break
	for f in "$d"*.diff; do
		[ -e "$f" ] || continue
		filterdiff -i "*/$rel" "$f" 2>/dev/null | patch -s -p1 -d "$tmp" --no-backup-if-mismatch -F0 >/dev/null || true
	done
done
cat "$tmp/$rel"
