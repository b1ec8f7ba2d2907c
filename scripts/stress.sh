#!/bin/bash
# `make stress`: the whole suite on the debug kernel (KASAN, lockdep,
# DEBUG_VM, kmemleak) with the race test running for NUMAPOL_STRESS_SECONDS
# (default 300) and the fuzzer doing NUMAPOL_FUZZ_ITERATIONS (default 70000:
# numapol_fuzz writes N policies, N/2 numa_maps lines and N/4 configfs
# attributes, 70,000 + 35,000 + 17,500 = 122,500 writes in all), then the
# figures. (`make test` runs the default 2,000: 3,500 writes.)
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
# The lines tests/vm/run's splat matcher catches (RCU stalls, lockups included).
splats=$(tests/vm/run --check-console "$out/test-console.log" | wc -l)
leaks=$(sed -n '/== kmemleak/,/== end/p' "$out/vm-results.txt" | grep -c '^unreferenced object')
echo "  kernel splats: $splats"
echo "  kmemleak: $leaks leaked objects"
exit $rc
