#!/bin/bash
# `make configs`: the configurations the 0-day robot would build, each one
# with scripts/kbuild.sh into its own out/build-<name> (incremental, ccache):
#
#   release          the demo/benchmark kernel (tests/config/release.config)
#   numapol-off      CONFIG_NUMAPOL=n: the hunks to existing files alone
#   no-numa          CONFIG_NUMA=n (so NUMAPOL=n)
#   no-migration     CONFIG_MIGRATION=n, NUMA=y (so NUMAPOL=n)
#   no-page-monitor  CONFIG_PROC_PAGE_MONITOR=n, NUMAPOL=y
#   configfs-m       MODULES=y, CONFIGFS_FS=m (so NUMAPOL_CONFIGFS=n)
#   modules          `make modules-check`: MODULES=y, KUNIT_ALL_TESTS=m,
#                    CONFIGFS_FS=m (NUMAPOL_KUNIT_TEST is bool: =y)
#
# each on tinyconfig + tests/config/common.config + release.config + its
# own fragment (tests/config/<name>.config). kbuild.sh checks after
# olddefconfig that every option of the fragments has the value asked for
# (Kconfig can turn one back silently) and fails on a warning in our files
# or hunks (scripts/attribute.py, no pristine baseline: any warning in a
# file our hunks change counts). One line per config: name, result,
# warnings in our code (and the pristine kernel's), time. Logs in
# out/configs/<name>.log.
#
#   scripts/configs.sh [NAME...]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
all="release numapol-off no-numa no-migration no-page-monitor configfs-m modules"
names=${*:-$all}
mkdir -p "$out/configs"
fails=0
lines=()
for name in $names; do
	case " $all " in *" $name "*) ;; *) echo "configs: no config $name ($all)" >&2; exit 2 ;; esac
	log=$out/configs/$name.log
	t0=$(date +%s)
	touch "$out/configs/.$name.start"
	echo "configs: $name ..." >&2
	if "$top/scripts/kbuild.sh" "$name" > "$log" 2>&1; then
		result=built
	elif grep -qE '^kbuild: CONFIG_.* (did not stick|still set)$' "$log"; then
		result="FAILED: config"
	elif grep -q '^kbuild: warnings in our files or hunks' "$log"; then
		result="FAILED: warnings"
	else
		result="FAILED: build"
	fi
	t=$(($(date +%s) - t0))
	# The counts, from the compiler's stderr that kbuild.sh keeps (not
	# written when the configuration was already wrong).
	ours=- theirs=-
	errlog=$out/build-$name/.numapol-stderr
	if [ "$result" != "FAILED: config" ] && [ "$errlog" -nt "$out/configs/.$name.start" ]; then
		counts=$("$top/scripts/attribute.py" --out "$out" --tool build "$errlog" | tail -1)
		ours=$(echo "$counts" | sed -n 's/^build: \([0-9]*\) in our.*/\1/p')
		theirs=$(echo "$counts" | sed -n 's/.*pristine kernel: \([0-9]*\) .*/\1/p')
	fi
	line=$(printf '%-16s %-17s %3s warnings from our code, %3s pristine %4dm%02ds' \
		"$name" "$result" "${ours:-?}" "${theirs:-?}" $((t / 60)) $((t % 60)))
	echo "$line"
	lines+=("$line")
	case "$result" in
	built) ;;
	*)
		fails=$((fails + 1))
		grep -E '^kbuild: ' "$log" | grep -v '^kbuild: building' | head -20 >&2
		grep -E '(error|warning):' "$log" | head -20 >&2
		echo "  (log: ${log#"$top"/})" >&2
		;;
	esac
done
echo "configs: ${#lines[@]} configurations, $fails failed"
printf '%s\n' "${lines[@]}"
[ "$fails" -eq 0 ]
