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
#            (packaging/numacfg/debian), then lintian.
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
	echo "deb: kernel packages in $debdir:" >&2
	(cd "$debdir" && ls -l linux-*"$rel"_*.deb linux-libc-dev_*.deb) >&2
}

numacfg_deb() {
	local stage=$debdir/numacfg-build ver arch deb
	# The package's source: the tool's files and packaging/numacfg/debian,
	# copied (the tool's directory stays clean; a source package of the
	# whole repository would carry the kernel overlay).
	rm -rf "$stage" && mkdir -p "$stage/numacfg"
	(cd "$top/tools/numacfg" && git ls-files -co --exclude-standard . |
		cpio -pdm --quiet "$stage/numacfg")
	cp -a "$top/packaging/numacfg/debian" "$stage/numacfg/debian"
	if [ -n "${NUMACFG_DEB_VERSION:-}" ]; then
		# A newer entry on top of debian/changelog (upgrade tests).
		{
			printf 'numacfg (%s) bookworm; urgency=medium\n\n' "$NUMACFG_DEB_VERSION"
			printf '  * Rebuilt by scripts/deb.sh as %s.\n\n' "$NUMACFG_DEB_VERSION"
			printf ' -- %s  %s\n\n' "$(cd "$stage/numacfg" && dpkg-parsechangelog -S Maintainer)" "$(date -R)"
			cat "$stage/numacfg/debian/changelog"
		} > "$stage/changelog" && mv "$stage/changelog" "$stage/numacfg/debian/changelog"
	fi
	ver=$(cd "$stage/numacfg" && dpkg-parsechangelog -S Version)
	arch=$(dpkg --print-architecture)
	echo "deb: building numacfg $ver (log: $debdir/numacfg.log)" >&2
	(cd "$stage/numacfg" && dpkg-buildpackage -us -uc) >"$debdir/numacfg.log" 2>&1 ||
		{ tail -30 "$debdir/numacfg.log" >&2; exit 1; }
	deb=numacfg_${ver}_${arch}.deb
	cp "$stage/$deb" "$debdir/$deb"
	# lintian over the source and the binary package; its findings are
	# reported (docs/PACKAGING.md explains the ones left), not a failure.
	lintian --info --display-info --pedantic "$stage/numacfg_${ver}_${arch}.changes" \
		> "$debdir/numacfg.lintian" 2>&1 || true
	echo "deb: $debdir/$deb; lintian: $(grep -c '^[EWIPX]: ' "$debdir/numacfg.lintian" || true) tag(s) ($debdir/numacfg.lintian)" >&2
}

case "$what" in
kernel) kernel_debs ;;
numacfg) numacfg_deb ;;
all) numacfg_deb; kernel_debs ;;
esac
