#!/bin/bash
# Assemble the kernel work tree: pristine 6.12 source + our files + our hunks.
#
#   out/pristine  the untouched source of Debian's linux-source-6.12
#   out/linux     the tree that is built; only files that really changed are
#                 rewritten, so kbuild's incremental build stays incremental.
#
# Our files are the tracked (and untracked, not ignored) files of the repo
# under fs/ mm/ include/ Documentation/ tools/ and the kernel's top-level
# source directories; hunks are patches/*/*.diff, applied in order.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
pristine=$out/pristine
tree=$out/linux
src_tar=/usr/src/linux-source-6.12.tar.xz

if [ ! -f "$pristine/Makefile" ]; then
	[ -f "$src_tar" ] || "$top/scripts/deps.sh"
	echo "tree: extracting $src_tar" >&2
	rm -rf "$out/pristine.tmp" && mkdir -p "$out/pristine.tmp"
	tar -xf "$src_tar" -C "$out/pristine.tmp"
	mv "$out/pristine.tmp/linux-source-6.12" "$pristine"
	rmdir "$out/pristine.tmp"
fi
if [ ! -f "$tree/Makefile" ]; then
	echo "tree: copying pristine source to $tree" >&2
	rm -rf "$tree"
	mkdir -p "$tree"
	cp -a "$pristine/." "$tree"
fi

state=$tree/.numapol
mkdir -p "$state"
touch "$state/overlay" "$state/patched"

# Put $2 (a file) at $tree/$1 if its content differs; an empty $2 removes it.
place() {
	local rel=$1 new=$2
	if [ -z "$new" ]; then
		[ -e "$tree/$rel" ] && rm -f "$tree/$rel" && echo "tree: removed $rel" >&2
		return 0
	fi
	if ! cmp -s "$new" "$tree/$rel"; then
		mkdir -p "$(dirname "$tree/$rel")"
		cp "$new" "$tree/$rel"
	fi
}

# The pristine version of a file, or "" when the kernel has none.
pristine_of() {
	if [ -f "$pristine/$1" ]; then echo "$pristine/$1"; else echo ""; fi
}

# 1. Hunks to existing kernel files, applied to pristine copies in a stage.
stage=$out/stage
rm -rf "$stage" && mkdir -p "$stage"
mapfile -t diffs < <(find "$top/patches" -name '*.diff' 2>/dev/null | sort)
touched=$( { [ ${#diffs[@]} -gt 0 ] && sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "${diffs[@]}"; true; } | sort -u)
for rel in $touched; do
	p=$(pristine_of "$rel")
	[ -n "$p" ] || { echo "tree: $rel: hunks may only change existing kernel files" >&2; exit 1; }
	mkdir -p "$(dirname "$stage/$rel")"
	cp "$p" "$stage/$rel"
done
for d in "${diffs[@]}"; do
	patch -s -p1 -d "$stage" --no-backup-if-mismatch -F0 < "$d" ||
		{ echo "tree: ${d#"$top"/} does not apply to 6.12" >&2; exit 1; }
done
for rel in $( { echo "$touched"; cat "$state/patched"; } | sort -u); do
	[ -n "$rel" ] || continue
	if [ -f "$stage/$rel" ]; then
		place "$rel" "$stage/$rel"
	else
		place "$rel" "$(pristine_of "$rel")"
	fi
done
echo "$touched" | sed '/^$/d' > "$state/patched"

# 2. Our own files.
cd "$top"
overlay=$(git ls-files -co --exclude-standard -- \
	fs mm include Documentation kernel lib tools/testing/selftests | sort -u)
for rel in $overlay; do
	[ -f "$rel" ] || continue
	if [ -f "$pristine/$rel" ]; then
		echo "tree: $rel is a kernel file: keep a hunk under patches/ instead" >&2
		exit 1
	fi
	place "$rel" "$top/$rel"
done
for rel in $(comm -23 "$state/overlay" <(echo "$overlay")); do
	place "$rel" ""
done
echo "$overlay" | sed '/^$/d' > "$state/overlay"
