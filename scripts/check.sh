#!/bin/bash
# `make check`: scripts/checkpatch.pl --strict over every kernel file we wrote
# (whole files) and over the exported patch series (hunks to existing files
# and commit messages). Exit 0 only when all are clean.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
"$top/scripts/tree.sh" || exit 1
cp=$out/linux/scripts/checkpatch.pl
cd "$top"
bad=0 n=0
opts=(--strict --quiet --no-summary --show-types --terse)
files=$(git ls-files -co --exclude-standard -- fs mm include Documentation \
	tools/testing/selftests/numapol | grep -v '/\.gitignore$')
for f in $files; do
	n=$((n + 1))
	# checkpatch resolves paths against the kernel tree it lives in.
	(cd "$out/linux" && "$cp" "${opts[@]}" -f "$f") || bad=$((bad + 1))
done
series=$(mktemp -d)
trap 'rm -rf "$series"' EXIT
if ! "$top/scripts/series.sh" "$series" >/dev/null; then
	echo "check: the patch series cannot be exported" >&2
	bad=$((bad + 1))
fi
for p in "$series"/*.patch; do
	[ -e "$p" ] || continue
	case "$p" in
	*/0000-*) continue ;;		# the cover letter: prose, no patch
	*numacfg*) continue ;;		# userspace, not kernel style
	esac
	n=$((n + 1))
	(cd "$out/linux" && "$cp" "${opts[@]}" "$p") || bad=$((bad + 1))
done
echo "check: $n files and patches, $bad with checkpatch findings"
[ "$bad" -eq 0 ]
