#!/bin/bash
# `make stress`: the whole suite on the debug kernel (KASAN, lockdep,
# DEBUG_VM, kmemleak) with the race test running for NUMAPOL_STRESS_SECONDS
# (default 300) and the fuzzer doing NUMAPOL_FUZZ_ITERATIONS (default 70000:
# 105,000 writes in all), then the figures.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
secs=${NUMAPOL_STRESS_SECONDS:-300}
iters=${NUMAPOL_FUZZ_ITERATIONS:-70000}
cd "$top"
NUMAPOL_VM_TIMEOUT=5400 \
NUMAPOL_GUEST_ENV="NUMAPOL_STRESS_SECONDS=$secs NUMAPOL_FUZZ_ITERATIONS=$iters NUMAPOL_TEST_TIMEOUT=3000" \
	tests/run-all > "$out/stress.log" 2>&1
rc=$?
grep -vE '^PASS' "$out/stress.log"
echo "stress: figures"
grep -hE '^# (stress:|numapol_fuzz.c:[0-9]+:[a-z_]+:[0-9]+ writes)' "$out/vm-results.txt" | sed 's/^# /  /'
splats=$(grep -cE 'BUG: |WARNING: |Oops|general protection|INFO: task .* blocked|circular locking|recursive locking' "$out/test-console.log")
leaks=$(sed -n '/== kmemleak/,/== end/p' "$out/vm-results.txt" | grep -c '^unreferenced object')
echo "  kernel splats: $splats"
echo "  kmemleak: $leaks leaked objects"
exit $rc
