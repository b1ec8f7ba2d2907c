#!/bin/bash
# Build the numapol kselftests (static, against the debug kernel's uapi
# headers) into out/selftests, where tests/vm/mkinitramfs picks them up.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
flavour=${1:-debug}
# NUMAPOL_KHDR=DIR: the uapi headers of another build (scripts/deb-test.sh).
hdr=${NUMAPOL_KHDR:-$out/build-$flavour/usr/include}
[ -d "$hdr/linux" ] || { echo "selftests: no headers in $hdr: build the kernel first" >&2; exit 1; }
"$top/scripts/tree.sh"
mkdir -p "$out/selftests"
CFLAGS="-static" LDFLAGS="-static" make -s -C "$out/linux/tools/testing/selftests/numapol" \
	OUTPUT="$out/selftests" KHDR_INCLUDES="-isystem $hdr" CC="ccache gcc" -j"$(nproc)"
# The list of test programs (helpers such as numapol_target are not tests).
make -s -C "$out/linux/tools/testing/selftests/numapol" OUTPUT="$out/selftests" emit_tests |
	sed 's/^.*://' > "$out/selftests/tests.list"
[ -s "$out/selftests/tests.list" ] || { echo "selftests: no test listed" >&2; exit 1; }
