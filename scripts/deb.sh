#!/bin/bash
# Debian packages for a real server (`make deb`):
#
#   scripts/deb.sh [kernel|numacfg|all]     (default: all)
#
#   kernel   the patched kernel through the kernel's own `make bindeb-pkg`:
#            linux-image-6.12.N-numapol (and linux-headers-, linux-libc-dev
#            when the config has modules). The base config is KCONFIG=FILE
#            when given (an administrator passes /boot/config-$(uname -r)),
#            else `make defconfig`; then tests/config/release.config, then
#            tests/config/deb.config (numapol's options, forced on and
#            checked after olddefconfig). LOCALVERSION=-numapol.
#   numacfg  numacfg_VERSION_ARCH.deb with dpkg-buildpackage and debhelper
#            (tools/numacfg/debian), then lintian.
#
# Output: out/deb/*.deb (the kernel's build directory is out/deb/build,
# incremental through ccache like scripts/kbuild.sh).
#
# Environment: KCONFIG=FILE (the base config), DEB_CONFIG_ONLY=1 (configure
# and check the kernel's config, build nothing), NUMACFG_DEB_VERSION=V (the
# numacfg package's version instead of debian/changelog's; for upgrade tests).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
what=${1:-all}
case "$what" in kernel|numacfg|all) ;; *) echo "usage: $0 [kernel|numacfg|all]" >&2; exit 2 ;; esac
debdir=$out/deb
mkdir -p "$debdir"

"$top/scripts/deps.sh"

kernel_debs() {
	src=$out/linux
	build=$debdir/build
	# shellcheck source=scripts/kbuild-lib.sh
	. "$top/scripts/kbuild-lib.sh"
	kbuild_env
	if [ -n "${KCONFIG:-}" ]; then
		[ -r "$KCONFIG" ] || { echo "deb: KCONFIG=$KCONFIG: not a readable file" >&2; exit 2; }
		KCONFIG=$(realpath "$KCONFIG")
	fi
	"$top/scripts/tree.sh"
	mkdir -p "$build"

	# The base, then the fragments; configured from scratch every time (an
	# unchanged result rebuilds nothing).
	if [ -n "${KCONFIG:-}" ]; then
		echo "deb: base config $KCONFIG" >&2
		cp "$KCONFIG" "$build/.config"
		# A distribution's config names its own certificates, which are not
		# in the kernel source (Debian: debian/certs/...): none here. Signed
		# modules stay signed, with a key made for this build.
		"$src/scripts/config" --file "$build/.config" \
			--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	else
		echo "deb: base config defconfig" >&2
		kmake defconfig >/dev/null
	fi
	local files=("$top/tests/config/release.config" "$top/tests/config/deb.config")
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" .config "${files[@]}" >/dev/null)
	kmake olddefconfig >/dev/null
	if ! kbuild_check_config "" "${files[@]}"; then
		echo "deb: the config above lacks what numapol needs: the base config cannot have it (a missing dependency, e.g. NUMA on a non-SMP config)" >&2
		exit 1
	fi
	local rel
	rel=$(kmake LOCALVERSION=-numapol kernelrelease)
	case "$rel" in
	*-numapol) ;;
	*) echo "deb: kernel release $rel does not end in -numapol" >&2; exit 1 ;;
	esac
	echo "deb: config checked ($build/.config), release $rel" >&2
	[ -z "${DEB_CONFIG_ONLY:-}" ] || return 0

	echo "deb: building the kernel packages in ${build#"$top"/} (log: $debdir/kernel.log)" >&2
	# bindeb-pkg runs dpkg-buildpackage in $build, which writes the
	# packages to its parent, $debdir. Old ones of another release go.
	rm -f "$debdir"/linux-*.deb "$debdir"/linux-upstream_*
	local errlog=$build/.numapol-stderr rc=0
	kmake LOCALVERSION=-numapol bindeb-pkg >"$debdir/kernel.log" 2>"$errlog" || rc=$?
	cat "$errlog" >> "$debdir/kernel.log"
	if [ "$rc" -ne 0 ]; then
		tail -30 "$debdir/kernel.log" >&2
		exit "$rc"
	fi
	kbuild_our_warnings "$errlog" || exit 1
	# The uapi headers, for selftests built against this kernel (deb-smoke).
	kmake LOCALVERSION=-numapol headers >/dev/null
	ls -l "$debdir"/linux-*"$rel"*.deb "$debdir"/linux-libc-dev_*.deb 2>/dev/null >&2 || true
}

numacfg_deb() {
	local nc=$top/tools/numacfg stage=$debdir/numacfg-build
	# dpkg-buildpackage builds in a copy of the tool's directory (the
	# source stays clean; its debian/ directory is the packaging).
	rm -rf "$stage" && mkdir -p "$stage"
	(cd "$top" && git ls-files -co --exclude-standard -- tools/numacfg) |
		sed 's|^tools/numacfg/||' | (cd "$nc" && cpio -pdm --quiet "$stage/numacfg")
	if [ -n "${NUMACFG_DEB_VERSION:-}" ]; then
		(cd "$stage/numacfg" && dch --newversion "$NUMACFG_DEB_VERSION" --distribution bookworm \
			--force-distribution "Rebuilt as $NUMACFG_DEB_VERSION (scripts/deb.sh)." 2>/dev/null)
	fi
	local ver arch deb
	ver=$(cd "$stage/numacfg" && dpkg-parsechangelog -S Version)
	arch=$(dpkg --print-architecture)
	echo "deb: building numacfg $ver (log: $debdir/numacfg.log)" >&2
	(cd "$stage/numacfg" && dpkg-buildpackage -us -uc -b) >"$debdir/numacfg.log" 2>&1 ||
		{ tail -30 "$debdir/numacfg.log" >&2; exit 1; }
	deb=numacfg_${ver}_${arch}.deb
	mv "$stage/$deb" "$debdir/$deb"
	# lintian's findings (tags explained in docs/PACKAGING.md), not a failure.
	lintian --info --display-info --pedantic "$debdir/$deb" "$stage/numacfg_${ver}_${arch}.changes" \
		> "$debdir/numacfg.lintian" 2>&1 || true
	echo "deb: $debdir/$deb; lintian: $(grep -c '^[EWIP]: ' "$debdir/numacfg.lintian" || true) tag(s) ($debdir/numacfg.lintian)" >&2
}

case "$what" in
kernel) kernel_debs ;;
numacfg) numacfg_deb ;;
all) numacfg_deb; kernel_debs ;;
esac
