# shellcheck shell=bash disable=SC2154 # $src, $build: set by the caller
# Sourced by scripts/kbuild.sh and scripts/deb.sh: the build environment,
# kmake, and the checks both make. The caller sets $src (the source tree),
# $build (the O= directory) and $top.

# ccache, and fixed build stamps (the same input builds the same kernel).
kbuild_env() {
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/numapol-ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export KBUILD_BUILD_TIMESTAMP='2024-11-17 00:00 UTC' KBUILD_BUILD_USER=numapol KBUILD_BUILD_HOST=numapol
}

kmake() {
	make -s -C "$src" O="$build" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

# kbuild_check_config SKIP FRAGMENT...: every option the fragments ask for
# must have survived olddefconfig in $build/.config (a later fragment
# overrides an earlier one, as merge_config.sh does). Options matching the
# glob SKIP ("" for none) are not checked.
kbuild_check_config() {
	local skip=$1 f l opt val bad=0
	shift
	local -A want=()
	local order=()
	for f in "$@"; do
		while IFS= read -r l; do
			case "$l" in CONFIG_*) ;; *) continue ;; esac
			opt=${l%%=*}
			[ -n "${want[$opt]+x}" ] || order+=("$opt")
			want[$opt]=${l#*=}
		done < "$f"
	done
	for opt in "${order[@]}"; do
		val=${want[$opt]} l="$opt=${want[$opt]}"
		# shellcheck disable=SC2053 # $skip is a glob
		[ -n "$skip" ] && [[ $opt == $skip ]] && continue
		if [ "$val" = n ]; then
			if grep -qE "^$opt=(y|m)\$" "$build/.config"; then
				echo "kbuild: $opt still set" >&2; bad=1
			fi
		elif ! grep -qxF "$l" "$build/.config"; then
			echo "kbuild: $l did not stick" >&2; bad=1
		fi
	done
	return "$bad"
}

# kbuild_our_warnings STDERR-LOG: a warning or error in one of our files,
# or in a kernel file our hunks change (make -s prints only warnings and
# errors, on stderr; ccache replays them for cached objects), is printed
# and fails. There is no pristine build to compare with here, so any
# warning in a file our hunks change counts (scripts/attribute.py;
# tests/check-waivers applies). $src is <out>/linux.
kbuild_our_warnings() {
	if ! "$top/scripts/attribute.py" --out "$(dirname "$src")" --tool build \
		--quiet "$1" >&2; then
		echo "kbuild: warnings in our files or hunks (above)" >&2
		return 1
	fi
}
