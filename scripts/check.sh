#!/bin/bash
# `make check`: scripts/checkpatch.pl --strict over every kernel file we wrote
# and every hunk under patches/. Exit 0 only when all are clean.
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
	if ! (cd "$out/linux" && "$cp" "${opts[@]}" -f "$f"); then
		bad=$((bad + 1))
	fi
done
for d in $(find patches -name '*.diff' | sort); do
	n=$((n + 1))
	if ! (cd "$out/linux" && "$cp" "${opts[@]}" --no-signoff "$top/$d"); then
		bad=$((bad + 1))
	fi
done
echo "check: $n files and hunks, $bad with checkpatch findings"
[ "$bad" -eq 0 ]
