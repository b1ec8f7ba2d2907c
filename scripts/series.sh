#!/bin/bash
# `make series`: export our work as a git-am-able patch series against
# Linux 6.12.117, one logical change per patch.
#
# Each patches/NN-slug/ directory is one patch: `message` (the commit
# message: subject line, blank line, body, Signed-off-by), `files` (the
# files of ours the patch adds, one per line) and *.diff (its hunks to
# existing kernel files). Every file of ours must belong to one patch.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
dest=${1:-$out/series}
case "$dest" in /*) ;; *) dest=$top/$dest ;; esac
"$top/scripts/tree.sh"
cd "$top"

ours=$(git ls-files -co --exclude-standard -- fs mm include Documentation \
	kernel lib tools/testing/selftests tools/numacfg | sort)
listed=$(cat patches/*/files 2>/dev/null | sed '/^#/d; /^$/d' | sort)
dups=$(echo "$listed" | uniq -d)
[ -z "$dups" ] || { echo "series: in more than one patch: $dups" >&2; exit 1; }
missing=$(comm -23 <(echo "$ours") <(echo "$listed"))
[ -z "$missing" ] || { echo "series: in no patch: $missing" >&2; exit 1; }
gone=$(comm -13 <(echo "$ours") <(echo "$listed"))
[ -z "$gone" ] || { echo "series: listed but missing: $gone" >&2; exit 1; }

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q
git -C "$repo" config user.name "numapol developers"
git -C "$repo" config user.email "numapol@example.org"
# The base: pristine copies of every kernel file a hunk touches.
for rel in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' patches/*/*.diff 2>/dev/null | sort -u); do
	mkdir -p "$repo/$(dirname "$rel")"
	cp "$out/pristine/$rel" "$repo/$rel"
done
git -C "$repo" add -A
git -C "$repo" commit -q --allow-empty -m "Linux 6.12.117 (files touched by the series)"
base=$(git -C "$repo" rev-parse HEAD)

for p in patches/*/; do
	[ -f "$p/message" ] || { echo "series: $p has no message" >&2; exit 1; }
	for f in $(sed '/^#/d; /^$/d' "$p/files" 2>/dev/null); do
		mkdir -p "$repo/$(dirname "$f")"
		cp "$f" "$repo/$f"
	done
	for d in "$p"/*.diff; do
		[ -e "$d" ] || continue
		patch -s -p1 -d "$repo" --no-backup-if-mismatch -F0 < "$d"
	done
	git -C "$repo" add -A
	git -C "$repo" commit -q -F "$top/$p/message"
done
rm -rf "$dest" && mkdir -p "$dest"
git -C "$repo" format-patch -q -o "$dest" "$base..HEAD"
ls "$dest"
