#!/bin/bash
# Build a numapol kernel: scripts/kbuild.sh debug|release|stock|modules
#
#   debug    the test kernel (KASAN, lockdep, DEBUG_VM, kmemleak, KUnit)
#   release  the demo/benchmark kernel, same features without the checkers
#   stock    release config on the pristine source (benchmark baseline)
#   modules  a build check: release + CONFIG_MODULES, KUNIT_ALL_TESTS=m,
#            CONFIGFS_FS=m (bzImage and modules; never booted)
#   numapol-off, no-numa, no-migration, no-page-monitor, configfs-m
#            build checks of `make configs` (scripts/configs.sh): release
#            + tests/config/<flavour>.config
#   check, check-pristine
#            `make check`'s configuration (release + KUnit) on our tree and
#            on the pristine source; only configured (--configure)
#
#   scripts/kbuild.sh [--configure] FLAVOUR
#   --configure   configure and verify the options, build nothing
#
# Output: out/build-<flavour>/arch/x86/boot/bzImage (and the modules when
# the config has CONFIG_MODULES=y) and usr/include (uapi headers for the
# selftests). Incremental, through ccache. (Debian packages of the kernel:
# scripts/deb.sh, which shares scripts/kbuild-lib.sh.)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
configure_only=0
if [ "${1:-}" = --configure ]; then configure_only=1; shift; fi
flavour=${1:-debug}
case "$flavour" in
debug) frags="common debug" ; src=$out/linux ;;
release) frags="common release" ; src=$out/linux ;;
stock) frags="common release" ; src=$out/pristine ;;
modules) frags="common release modules" ; src=$out/linux ;;
numapol-off|no-numa|no-migration|no-page-monitor|configfs-m|check)
	frags="common release $flavour" ; src=$out/linux ;;
check-pristine) frags="common release check" ; src=$out/pristine ;;
*) echo "usage: $0 [--configure] debug|release|stock|modules|check|check-pristine|numapol-off|no-numa|no-migration|no-page-monitor|configfs-m" >&2; exit 2 ;;
esac
# The flavours built on the pristine source (no numapol options there).
pristine=0
case "$flavour" in stock|check-pristine) pristine=1 ;; esac

"$top/scripts/deps.sh"
if [ "$pristine" = 1 ]; then
	[ -f "$src/Makefile" ] || "$top/scripts/tree.sh"
else
	"$top/scripts/tree.sh"
fi

build=$out/build-$flavour
mkdir -p "$build"
# shellcheck source=scripts/kbuild-lib.sh
. "$top/scripts/kbuild-lib.sh"
kbuild_env

# Configure from the fragments every time: kbuild only rebuilds what a
# changed option touches, so an unchanged result costs a few seconds.
files=()
for f in $frags; do files+=("$top/tests/config/$f.config"); done
kmake tinyconfig >/dev/null
(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" .config "${files[@]}" >/dev/null)
kmake olddefconfig >/dev/null
# Every option we asked for must have survived olddefconfig. The pristine
# source has no numapol options to keep.
skip=""
[ "$pristine" = 0 ] || skip='CONFIG_NUMAPOL*'
kbuild_check_config "$skip" "${files[@]}" || exit 1
if [ "$configure_only" = 1 ]; then
	echo "$build"
	exit 0
fi

echo "kbuild: building $flavour kernel in ${build#"$top"/}" >&2
# A warning in one of our files fails the build (make -s prints only
# warnings and errors, on stderr; ccache replays them for cached objects).
errlog=$build/.numapol-stderr
rc=0
kmake bzImage 2> "$errlog" || rc=$?
if [ "$rc" -eq 0 ] && grep -qx CONFIG_MODULES=y "$build/.config"; then
	kmake modules 2>> "$errlog" || rc=$?
fi
cat "$errlog" >&2
[ "$rc" -eq 0 ] || exit "$rc"
if [ "$pristine" = 0 ]; then
	kbuild_our_warnings "$errlog" || exit 1
fi
kmake headers >/dev/null
echo "$build/arch/x86/boot/bzImage"
