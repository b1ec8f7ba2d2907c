#!/bin/bash
# `make bisect`: check that the exported series is bisectable. Applies the
# patches of `make series` one by one to a copy of the pristine 6.12 source
# and builds the release kernel (tinyconfig + tests/config/{common,release})
# after each, incrementally; then builds the whole series once more with
# CONFIG_NUMAPOL=n, so the hooks into existing files build without it.
# Patches that only touch tools/ are applied but need no kernel build.
#
#   scripts/bisect-build.sh            (work in out/bisect, ~15 min cold)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
work=$out/bisect
"$top/scripts/series.sh" "$work/series" >/dev/null

rm -rf "$work/linux"
cp -a "$out/pristine" "$work/linux"
build=$work/build
mkdir -p "$build"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/numapol-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
kmake() {
	make -s -C "$work/linux" O="$build" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" -j"$(nproc)" "$@"
}
configure() {
	kmake tinyconfig >/dev/null
	(cd "$build" && "$work/linux/scripts/kconfig/merge_config.sh" -m -O "$build" .config \
		"$top/tests/config/common.config" "$top/tests/config/release.config" >/dev/null)
	kmake olddefconfig >/dev/null
}

fails=0
for p in "$work"/series/*.patch; do
	name=$(basename "$p")
	case "$name" in 0000-*) continue ;; esac	# the cover letter
	patch -s -p1 -d "$work/linux" --no-backup-if-mismatch < "$p"
	if ! grep -q '^diff --git a/\(fs\|mm\|include\|kernel\|lib\|arch\)/' "$p" &&
	   ! grep -q '^diff --git a/.*Kconfig' "$p"; then
		echo "bisect: $name: no kernel code, not built"
		continue
	fi
	configure
	opts=$(grep -c '^CONFIG_NUMAPOL[A-Z_]*=y' "$build/.config" || true)
	if kmake bzImage > "$work/${name%.patch}.log" 2>&1; then
		echo "bisect: $name: builds ($opts numapol options on)"
	else
		echo "bisect: $name: BUILD FAILED (log: ${work#"$top"/}/${name%.patch}.log)"
		tail -20 "$work/${name%.patch}.log" >&2
		fails=$((fails + 1))
	fi
done

configure
"$work/linux/scripts/config" --file "$build/.config" -d NUMAPOL
kmake olddefconfig >/dev/null
if grep -q '^CONFIG_NUMAPOL' "$build/.config"; then
	echo "bisect: CONFIG_NUMAPOL=n did not stick"; fails=$((fails + 1))
elif kmake bzImage > "$work/numapol-off.log" 2>&1; then
	echo "bisect: whole series, CONFIG_NUMAPOL=n: builds"
else
	echo "bisect: whole series, CONFIG_NUMAPOL=n: BUILD FAILED"
	tail -20 "$work/numapol-off.log" >&2
	fails=$((fails + 1))
fi
echo "bisect: $fails failed builds"
[ "$fails" -eq 0 ]
