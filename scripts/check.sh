#!/bin/bash
# `make check`: what the 0-day robot runs, over our files and our hunks.
#
#   checkpatch  scripts/checkpatch.pl --strict over every kernel file we
#               wrote (whole files) and over the exported patch series
#               (hunks to existing files and commit messages)
#   W=1         our objects and the kernel objects our hunks change, built
#               with W=1
#   sparse      the same objects through sparse (C=2, Debian's sparse)
#   coccicheck  every semantic patch of scripts/coccinelle in report mode
#               (Debian's coccinelle) over each of our C files and headers
#               and each kernel file our hunks change
#   kernel-doc  scripts/kernel-doc -Wall -none over each of our C files and
#               headers (kernel and selftests) and each file our hunks change
#
# A finding in our files, or one our hunks cause in an existing kernel
# file, fails the check; findings of the pristine kernel are counted and
# logged, never a failure. scripts/attribute.py decides which is which: a
# finding in a file we wrote is ours; in a file our hunks change it is ours
# when it is on a line the hunks add (diff of the pristine file and the
# assembled one), or when the same checker over the pristine source, same
# configuration, does not report the same message in that file (so a
# warning our change causes on an untouched line is ours too).
#
# W=1 and sparse build in out/build-check (tinyconfig + common, release and
# check fragments: release plus KUnit, so every C file of ours is compiled)
# and, for the baseline, out/build-check-pristine (the same on the pristine
# source); only the objects are built, never a kernel. coccicheck results
# are cached by file content in out/check/cocci (spatch takes ~45 s per
# file); the pristine baseline is run only for a changed kernel file that
# has findings. Logs: out/check/.
#
#   scripts/check.sh [STEP...]     steps: checkpatch w1 sparse cocci kerneldoc
#                                  (the default), and configs (`make configs`)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
logs=$out/check
mkdir -p "$logs"
steps=${*:-checkpatch w1 sparse cocci kerneldoc}
"$top/scripts/deps.sh" || exit 1
"$top/scripts/tree.sh" || exit 1
src=$out/linux
pristine=$out/pristine
attribute() { "$top/scripts/attribute.py" --out "$out" "$@"; }
want() { case " $steps " in *" $1 "*) return 0 ;; esac; return 1; }

cd "$top"
# Our kernel C files and headers; the kernel files our hunks change.
ours_k=$(git ls-files -co --exclude-standard -- fs mm include kernel lib |
	grep -E '\.[ch]$')
ours_st=$(git ls-files -co --exclude-standard -- tools/testing/selftests/numapol |
	grep -E '\.[ch]$')
hunked=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' patches/*/*.diff |
	sort -u | grep -E '\.[ch]$')
objs_ours=$(echo "$ours_k" | sed -n 's/\.c$/.o/p')
objs_hunked=$(echo "$hunked" | sed -n 's/\.c$/.o/p')

summary=()
bad=0
# finish NAME START RC: one summary line per step.
finish() {
	local t=$(($(date +%s) - $2))
	if [ "$3" -eq 0 ]; then
		summary+=("$(printf '  %-11s clean (%ds)' "$1" "$t")")
	else
		summary+=("$(printf '  %-11s FINDINGS IN OUR CODE (%ds)' "$1" "$t")")
		bad=$((bad + 1))
	fi
}

if want checkpatch; then
	t0=$(date +%s)
	echo "check: checkpatch --strict" >&2
	cp=$src/scripts/checkpatch.pl
	cpbad=0 n=0
	opts=(--strict --quiet --no-summary --show-types --terse)
	files=$(git ls-files -co --exclude-standard -- fs mm include Documentation \
		tools/testing/selftests/numapol | grep -v '/\.gitignore$')
	series=$(mktemp -d)
	if ! "$top/scripts/series.sh" "$series" >/dev/null; then
		echo "check: the patch series cannot be exported" >&2
		cpbad=$((cpbad + 1))
	fi
	# Two at a time; a job leaves a file in $series/bad when it has findings.
	# checkpatch resolves paths against the kernel tree it lives in.
	for f in $files "$series"/*.patch; do
		case "$f" in
		*/0000-*) continue ;;		# the cover letter: prose, no patch
		*numacfg*.patch) continue ;;	# userspace, not kernel style
		"$series/*.patch") continue ;;	# no series
		"$series"/*) arg=() ;;
		*) arg=(-f) ;;
		esac
		n=$((n + 1))
		while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
		(cd "$src" && "$cp" "${opts[@]}" "${arg[@]}" "$f" > "$series/out.$n" 2>&1 ||
			touch "$series/bad.$n") &
	done
	wait
	cat "$series"/out.* 2>/dev/null
	cpbad=$((cpbad + $(find "$series" -name 'bad.*' | wc -l)))
	rm -rf "$series"
	echo "checkpatch: $n files and patches, $cpbad with findings"
	finish checkpatch "$t0" "$cpbad"
fi

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/numapol-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
build=$out/build-check
pbuild=$out/build-check-pristine
# kmake SRC BUILD ARGS...: make -s, warnings on stderr.
kmake() {
	local s=$1 b=$2
	shift 2
	make -s -C "$s" O="$b" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}
if want w1 || want sparse || want cocci; then
	"$top/scripts/kbuild.sh" --configure check >/dev/null || exit 1
	"$top/scripts/kbuild.sh" --configure check-pristine >/dev/null || exit 1
fi

if want w1; then
	t0=$(date +%s)
	echo "check: W=1 build of $(echo $objs_ours $objs_hunked | wc -w) objects" >&2
	# shellcheck disable=SC2086
	kmake "$src" "$build" W=1 $objs_ours $objs_hunked > "$logs/w1.log" 2>&1
	rc=$?
	# shellcheck disable=SC2086
	kmake "$pristine" "$pbuild" W=1 $objs_hunked > "$logs/w1-pristine.log" 2>&1
	if [ "$rc" -ne 0 ]; then
		tail -30 "$logs/w1.log"
		echo "W=1: build failed (log: ${logs#"$top"/}/w1.log)"
	else
		for o in $objs_ours; do
			[ -f "$build/$o" ] || { echo "W=1: $o was not built"; rc=1; }
		done
	fi
	attribute --tool W=1 --baseline "$logs/w1-pristine.log" \
		--pristine-log "$logs/w1-not-ours.log" "$logs/w1.log" || rc=1
	finish W=1 "$t0" "$rc"
fi

if want sparse; then
	t0=$(date +%s)
	echo "check: sparse (C=2) over the same objects" >&2
	# C=2 runs sparse whether or not the object is up to date. W=1 only so
	# that the objects of the W=1 step are not compiled again: sparse
	# reports the same with and without it (checked on this tree).
	# -fdiagnostic-prefix tells sparse's lines from gcc's.
	# shellcheck disable=SC2086
	kmake "$src" "$build" W=1 C=2 CF=-fdiagnostic-prefix $objs_ours $objs_hunked \
		> "$logs/sparse-raw.log" 2>&1
	rc=$?
	# shellcheck disable=SC2086
	kmake "$pristine" "$pbuild" W=1 C=2 CF=-fdiagnostic-prefix $objs_hunked \
		> "$logs/sparse-pristine-raw.log" 2>&1
	grep ': sparse: ' "$logs/sparse-raw.log" > "$logs/sparse.log"
	grep ': sparse: ' "$logs/sparse-pristine-raw.log" > "$logs/sparse-pristine.log"
	if [ "$rc" -ne 0 ]; then
		tail -30 "$logs/sparse-raw.log"
		echo "sparse: build failed (log: ${logs#"$top"/}/sparse-raw.log)"
	fi
	attribute --tool sparse --baseline "$logs/sparse-pristine.log" \
		--pristine-log "$logs/sparse-not-ours.log" "$logs/sparse.log" || rc=1
	finish sparse "$t0" "$rc"
fi

# cocci TREE BUILD FILE: coccicheck's report for TREE/FILE, from the cache
# when the file and the local headers it includes are unchanged.
cocci_version=$(spatch --version 2>/dev/null | head -1)
cocci() {
	local tree=$1 b=$2 f=$3 inc h k
	k=$( {
		echo "$cocci_version $tree $f"
		cat "$tree/$f"
		for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$tree/$f"); do
			cat "$tree/$(dirname "$f")/$h" 2>/dev/null
		done
	} | sha256sum | cut -c1-32)
	local cache=$logs/cocci/$k.log
	if [ ! -f "$cache" ]; then
		# The include options kbuild gives spatch (LINUXINCLUDE, Makefile).
		inc="-I$tree/arch/x86/include -I./arch/x86/include/generated"
		inc+=" -I$tree/include -I./include -I$tree/arch/x86/include/uapi"
		inc+=" -I./arch/x86/include/generated/uapi -I$tree/include/uapi"
		inc+=" -I./include/generated/uapi"
		inc+=" -include $tree/include/linux/compiler-version.h"
		inc+=" -include $tree/include/linux/kconfig.h"
		(cd "$b" && C=2 MODE=report srctree=$tree LINUXINCLUDE=$inc \
			"$tree/scripts/coccicheck" "$tree/$f") > "$cache.tmp" 2>&1 ||
			{ echo "coccicheck failed on $f:"; tail "$cache.tmp"; return 1; }
		mv "$cache.tmp" "$cache"
	fi
	echo "$cache"
}

if want cocci; then
	t0=$(date +%s)
	mkdir -p "$logs/cocci"
	cfiles=$(echo "$ours_k" "$hunked" | tr ' ' '\n' | sed '/^$/d')
	echo "check: coccicheck over $(echo "$cfiles" | wc -l) files (~45 s a file unless cached)" >&2
	rc=0
	: > "$logs/cocci.log"
	: > "$logs/cocci-pristine.log"
	# Two files at a time; each job writes its cache file's name to $list.
	list=$(mktemp)
	for f in $cfiles; do
		while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
		(cocci "$src" "$build" "$f" > "$list.$(echo "$f" | tr / _)") &
	done
	wait
	for f in $cfiles; do
		c=$(cat "$list.$(echo "$f" | tr / _)")
		if [ ! -f "$c" ]; then echo "$c"; rc=1; continue; fi
		grep -v -e '^Running (' -e '^/usr/bin/spatch ' -e '^warning: line [0-9]*: should .* be a metavariable?$' \
			"$c" >> "$logs/cocci.log"
		# A changed kernel file with findings: its pristine baseline.
		if echo "$hunked" | grep -qx "$f" &&
		   grep -q '^[^ ]*:[0-9][0-9]*:' "$c"; then
			pc=$(cocci "$pristine" "$pbuild" "$f") || { echo "$pc"; rc=1; continue; }
			grep -v -e '^Running (' -e '^/usr/bin/spatch ' -e '^warning: line [0-9]*: should .* be a metavariable?$' \
				"$pc" >> "$logs/cocci-pristine.log"
		fi
	done
	rm -f "$list" "$list".*
	attribute --tool coccicheck --any-line --baseline "$logs/cocci-pristine.log" \
		--pristine-log "$logs/cocci-not-ours.log" "$logs/cocci.log" || rc=1
	finish coccicheck "$t0" "$rc"
fi

if want kerneldoc; then
	t0=$(date +%s)
	echo "check: kernel-doc -Wall" >&2
	kd=(scripts/kernel-doc -Wall -none)
	(cd "$src" && for f in $ours_k $ours_st $hunked; do "${kd[@]}" "$f"; done) \
		> "$logs/kerneldoc.log" 2>&1
	(cd "$pristine" && for f in $hunked; do "${kd[@]}" "$f"; done) \
		> "$logs/kerneldoc-pristine.log" 2>&1
	rc=0
	attribute --tool kernel-doc --baseline "$logs/kerneldoc-pristine.log" \
		--pristine-log "$logs/kerneldoc-not-ours.log" "$logs/kerneldoc.log" || rc=1
	finish kernel-doc "$t0" "$rc"
fi

if want configs; then
	t0=$(date +%s)
	rc=0
	"$top/scripts/configs.sh" || rc=1
	finish configs "$t0" "$rc"
fi

echo "check: ${#summary[@]} checkers, $bad with findings in our code (logs: ${logs#"$top"/})"
printf '%s\n' "${summary[@]}"
[ "$bad" -eq 0 ]
