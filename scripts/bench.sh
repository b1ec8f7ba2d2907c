#!/bin/bash
# `make bench`: the numapol benchmarks (issue 7). Builds the release kernel
# and the stock 6.12 kernel (same config, no numapol), boots them in turn in
# the 4-node VM (release/stock, then stock/release, ... for ROUNDS rounds),
# runs tests/guest/bench in each boot, and prints one table, also written
# to out/bench.json, with a chart in out/bench.png (gnuplot).
#
#   scripts/bench.sh [--rounds N] [--mib MIB] [--kernels LIST] [--no-build]
#                    [--keep] [--report-only]
#
# --rounds   boots per kernel (default 5)
# --kernels  the kernels to boot, default "release stock"; with one only,
#            the figures that compare kernels are null
# --no-build use the kernels and helpers already built
# --keep     add to the boots already in out/bench instead of starting over
# --mib      the migration size (default 384: 512 MiB does not fit in the
#            VM's node 0, which also holds the kernel and the initramfs)
# --report-only   redo the table, JSON and chart from out/bench/*.txt
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export NUMAPOL_OUT=${NUMAPOL_OUT:-$top/out}
out=$NUMAPOL_OUT
rounds=5 mib=384 report_only=0 kernels="release stock" build=1 keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--keep) keep=1; shift ;;
	--report-only) report_only=1; shift ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
mkdir -p "$out/bench"
"$top/scripts/deps.sh"

if [ "$report_only" -eq 0 ]; then
	start=$(date +%s)
	if [ "$build" -eq 1 ]; then
		for k in release stock; do
			echo "bench: building the $k kernel (log: out/build-$k.log)" >&2
			"$top/scripts/kbuild.sh" "$k" > "$out/build-$k.log" 2>&1 ||
				{ tail -30 "$out/build-$k.log" >&2; exit 1; }
		done
		"$top/scripts/build-selftests.sh" release
	fi
	[ "$keep" -eq 1 ] || rm -f "$out"/bench/*.txt
	date -u +%Y-%m-%dT%H:%M:%SZ > "$out/bench/date"
	for ((r = 1; r <= rounds; r++)); do
		# LIST in order, then reversed, and so on (ABBA)
		order=$kernels
		((r % 2)) || order=$(echo "$kernels" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
		for k in $order; do
			f=$out/bench/$k-$r.txt
			[ ! -e "$f" ] || f=$out/bench/$k-$r-$(date +%s).txt
			echo "bench: round $r/$rounds, $k kernel" >&2
			rc=0
			"$top/tests/vm/run" --kernel "$k" --nodes 4 --quiet --timeout 900 \
				--append quiet --output "$f" -- \
				/bin/sh /usr/lib/numapol/bench "$k" "$r" "$mib" || rc=$?
			[ "$rc" -eq 0 ] || echo "bench: the $k boot of round $r ended with status $rc" >&2
		done
	done
	echo "bench: $(( ($(date +%s) - start) / 60 )) minutes" >&2
fi

python3 - "$out" "$mib" <<'PY'
import glob, json, os, statistics as st, subprocess, sys

out, mib = sys.argv[1], int(sys.argv[2])
boots = {"release": [], "stock": []}
for f in sorted(glob.glob(os.path.join(out, "bench", "*-*.txt"))):
    d = {}
    for line in open(f, errors="replace"):
        k, _, v = line.strip().partition(" ")
        if k:
            d[k] = v
    if d.get("boot.done") != "1":
        print("bench: %s is incomplete (the boot failed?)" % f, file=sys.stderr)
    boots.setdefault(d.get("boot.kernel", "?"), []).append(d)

def vals(kernel, key):
    r = []
    for d in boots.get(kernel, []):
        try:
            r.append(float(d[key]))
        except (KeyError, ValueError):
            pass
    return r

def med(kernel, key):
    v = vals(kernel, key)
    return round(st.median(v), 3) if v else None

def worst(kernel, key):
    v = vals(kernel, key)
    return round(max(v), 3) if v else None

try:
    date = open(os.path.join(out, "bench", "date")).read().strip()
except OSError:
    date = None
vm = "QEMU TCG, 4 nodes x (1 CPU, 512 MiB)"
machine = "%d host cores (shared), %s" % (os.cpu_count(), vm)
nrel, nstock = len(boots["release"]), len(boots["stock"])
R = {}
F = {}

def fig(name, value_keys, kernel, goal=None, met=None, note=None, agg=None, rounds=None):
    F[name] = {"keys": value_keys, "kernel": kernel, "vm": vm,
               "rounds": nrel if rounds is None else rounds,
               "aggregate": agg or "median over boots of each boot's figure",
               "goal": goal, "met": met}
    if note:
        F[name]["note"] = note

def le(a, b):
    return None if a is None or b is None else bool(a <= b)

self_us = med("release", "self_set_mempolicy.median_us")
R["self_set_mempolicy"] = {"median_us": self_us}
fig("self_set_mempolicy", ["self_set_mempolicy.median_us"], "release",
    note="the caller's own set_mempolicy(2), 200 calls per boot")
sl_med = med("release", "policy_write.sleeping.median_us")
sl_p99 = med("release", "policy_write.sleeping.p99_us")
bu_med = med("release", "policy_write.busy.median_us")
bu_p99 = med("release", "policy_write.busy.p99_us")
t64 = med("release", "policy_write.threads64.median_us")
R["policy_write"] = {"sleeping": {"median_us": sl_med, "p99_us": sl_p99},
                     "busy": {"median_us": bu_med, "p99_us": bu_p99},
                     "threads64": {"median_us": t64}}
g = lambda a, f: None if a is None else round(a * f, 3)
fig("policy_write.sleeping", ["policy_write.sleeping.median_us", "policy_write.sleeping.p99_us"],
    "release", "median_us <= 10 x self_set_mempolicy.median_us = %s" % g(self_us, 10),
    le(sl_med, g(self_us, 10)), "200 writes per boot")
fig("policy_write.busy", ["policy_write.busy.median_us", "policy_write.busy.p99_us"],
    "release", "p99_us <= 50 x self_set_mempolicy.median_us = %s" % g(self_us, 50),
    le(bu_p99, g(self_us, 50)), "200 writes per boot")
fig("policy_write.threads64", ["policy_write.threads64.median_us"], "release",
    "median_us <= 64 x policy_write.sleeping.median_us = %s" % g(sl_med, 64),
    le(t64, g(sl_med, 64)), "50 writes per boot")

def ratio(a, b):
    return None if a is None or b is None or b == 0 else round(a / b, 4)

# The floors of a synchronous remote change, measured in the same boots.
wk_med = med("release", "floors.wakeup_rtt.median_us")
wk_p99 = med("release", "floors.wakeup_rtt.p99_us")
sg_med = med("release", "floors.signal_rtt.median_us")
sg_p99 = med("release", "floors.signal_rtt.p99_us")
R["wakeup_rtt"] = {"median_us": wk_med, "p99_us": wk_p99}
R["signal_rtt"] = {"median_us": sg_med, "p99_us": sg_p99}
fig("wakeup_rtt", ["wakeup_rtt.median_us", "wakeup_rtt.p99_us"], "release",
    note="writer on CPU 0 wakes a process asleep in FUTEX_WAIT on CPU 1, which "
    "wakes it back; 200 round trips back to back per boot")
fig("signal_rtt", ["signal_rtt.median_us", "signal_rtt.p99_us"], "release",
    note="writer kill(2)s a process spinning on CPU 1, whose handler wakes it "
    "with FUTEX_WAKE; 200 round trips per boot")
rs = ratio(sl_med, wk_med)
rb = ratio(bu_p99, sg_p99)
R["policy_write_vs_floor"] = {"sleeping_median": rs, "busy_p99": rb}
fig("policy_write_vs_floor.sleeping_median", ["policy_write_vs_floor.sleeping_median"],
    "release", "<= 2 (policy_write.sleeping.median_us / wakeup_rtt.median_us)",
    le(rs, 2.0), "ratio of the medians over boots")
fig("policy_write_vs_floor.busy_p99", ["policy_write_vs_floor.busy_p99"],
    "release", "<= 2 (policy_write.busy.p99_us / signal_rtt.p99_us)",
    le(rb, 2.0), "ratio of the medians over boots")
rself = med("release", "restore.self_ms")
rwr = med("release", "restore.write_ms")
rrat = ratio(rwr, rself)
R["numa_maps_restore"] = {"write_ms": rwr, "self_mbind_ms": rself, "ratio": rrat}
fig("numa_maps_restore", ["numa_maps_restore.write_ms", "numa_maps_restore.self_mbind_ms",
    "numa_maps_restore.ratio"], "release",
    "ratio <= 2 (write of the saved numa_maps / the target's own mbind(2) calls)",
    le(rrat, 2.0), "10,000 mappings each with its own policy, reset to default, "
    "then the saved numa_maps written back in 64 KiB writes; 3 per boot")

fr = ratio(med("release", "fault.mib_s"), med("stock", "fault.mib_s"))
R["fault_ratio"] = fr
fig("fault_ratio", ["fault_ratio"], "release / stock (same config), alternating boots",
    "fault_ratio >= 0.98", None if fr is None else fr >= 0.98,
    "touch 256 MiB anonymous (one write per 4 KiB page), 7 reps per boot; "
    "median MiB/s release %s, stock %s" % (med("release", "fault.mib_s"), med("stock", "fault.mib_s")),
    "ratio of the medians over boots of each boot's median", min(nrel, nstock))
mr = ratio(med("stock", "maps.read_ms"), med("release", "maps.read_ms"))
R["numa_maps_read_ratio"] = mr
fig("numa_maps_read_ratio", ["numa_maps_read_ratio"], "stock / release (same config), alternating boots",
    "numa_maps_read_ratio >= 0.97", None if mr is None else mr >= 0.97,
    "read numa_maps of a process with 10,000 VMAs, 15 reads per boot; "
    "median ms stock %s, release %s" % (med("stock", "maps.read_ms"), med("release", "maps.read_ms")),
    "ratio of the medians over boots of each boot's median", min(nrel, nstock))

R["migrate"] = {}
ms = {}
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    ms[m] = med("release", "migrate.%s.mib_s" % m)
    R["migrate"][m] = {"mib_s": ms[m],
                       "target_max_pause_ms": worst("release", "migrate.%s.target_max_pause_ms" % m)}
best = max([v for k, v in ms.items() if not k.startswith("numa_maps") and v is not None], default=None)
mnote = ("%d MiB moved node 0 -> node 1 (512 MiB does not fit: the VM's nodes have "
         "512 MiB and node 0 also holds the kernel and the initramfs); one run per method per boot" % mib)
fig("migrate.numa_maps.mib_s", ["migrate.numa_maps.mib_s"], "release",
    "numa_maps >= 0.9 x best of migrate_pages, move_pages = %s" % g(best, 0.9),
    None if ms["numa_maps"] is None or best is None else ms["numa_maps"] >= 0.9 * best, mnote)
for m in ("numa_maps_move", "migrate_pages", "move_pages"):
    fig("migrate.%s.mib_s" % m, ["migrate.%s.mib_s" % m], "release", note=mnote)
pause_note = ("longest gap between two clock stamps of a target thread that stores each "
              "stamp into the next page of the range being moved; the max over boots")
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    p = R["migrate"][m]["target_max_pause_ms"]
    ours = m.startswith("numa_maps")
    fig("migrate.%s.target_max_pause_ms" % m, ["migrate.%s.target_max_pause_ms" % m], "release",
        "<= 10 ms" if ours else None,
        le(p, 10.0) if ours else None, pause_note, "max over boots")

R["configfs_reapply_ms"] = {}
pending = any(d.get("configfs.pending") == "1" for d in boots["release"])
for n in ("10", "100", "1000"):
    R["configfs_reapply_ms"][n] = None if pending else med("release", "configfs_reapply_ms.%s" % n)
c = R["configfs_reapply_ms"]
if pending or c["1000"] is None:
    fig("configfs_reapply_ms", ["configfs_reapply_ms.10", "configfs_reapply_ms.100",
        "configfs_reapply_ms.1000"], "release", "1000 <= 1000 ms, growth about linear", None,
        "pending: configfs not merged (measured automatically once "
        "/sys/kernel/config/numapol exists)" if pending else "configfs run failed")
else:
    lin = [ratio(c["100"], c["10"]), ratio(c["1000"], c["100"])]
    fig("configfs_reapply_ms", ["configfs_reapply_ms.10", "configfs_reapply_ms.100",
        "configfs_reapply_ms.1000"], "release",
        "1000 <= 1000 ms, growth about linear (each x10 step costs at most x20)",
        c["1000"] <= 1000 and all(x is not None and x <= 20 for x in lin),
        "x10 growth ratios: %s" % lin)

if not nstock or not nrel:
    for n in ("fault_ratio", "numa_maps_read_ratio"):
        F[n]["note"] = "not measured: no %s kernel boot in this run; " % (
            "stock" if not nstock else "release") + F[n]["note"]

doc = dict(R)
doc.update({"date": date, "machine": machine, "command": "make bench",
            "rounds": {"release": nrel, "stock": nstock},
            "migrate_size_mib": mib, "figures": F})
json.dump(doc, open(os.path.join(out, "bench.json"), "w"), indent=2)

def get(path):
    v = R
    for p in path.split("."):
        if not isinstance(v, dict) or p not in v:
            return None
        v = v[p]
    return v

rows = []
for name, f in F.items():
    for k in f["keys"]:
        v = get(k) if k not in ("fault_ratio", "numa_maps_read_ratio") else R[k]
        first = k == f["keys"][0]
        met = f["met"]
        mtxt = "-" if f["goal"] is None else ("n/a" if met is None else ("MET" if met else "MISSED"))
        rows.append((k, "null" if v is None else ("%g" % v), (f["goal"] or "-") if first else "",
                     mtxt if first else "", str(f["rounds"]) if first else ""))
w = [max(len(r[i]) for r in rows + [("figure", "value", "goal", "met", "rounds")]) for i in range(5)]
fmt = "| " + " | ".join("%%-%ds" % x for x in w) + " |"
lines = ["numapol benchmarks, %s, %s" % (date, machine), "",
         fmt % ("figure", "value", "goal", "met", "rounds"),
         "|" + "|".join("-" * (x + 2) for x in w) + "|"]
lines += [fmt % r for r in rows]
lines += ["", "raw: page faults MiB/s release %s, stock %s; numa_maps read ms release %s, stock %s; "
          "boots release %d, stock %d" % (med("release", "fault.mib_s"), med("stock", "fault.mib_s"),
                                           med("release", "maps.read_ms"), med("stock", "maps.read_ms"),
                                           nrel, nstock)]
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    lines.append("raw: %s moved %s of %s pages per boot, %s s" % (
        m, vals("release", "migrate.%s.moved_pages" % m), vals("release", "migrate.%s.pages" % m),
        vals("release", "migrate.%s.seconds" % m)))
missed = [n for n, f in F.items() if f["met"] is False]
lines += ["", "goals missed: %s" % (", ".join(missed) if missed else "none")]
if pending:
    lines.append("configfs_reapply_ms: pending: configfs not merged (null in the JSON)")
txt = "\n".join(lines) + "\n"
open(os.path.join(out, "bench.txt"), "w").write(txt)
print(txt)

# The chart: four panels, values of this run against their goals.
dat = os.path.join(out, "bench")
def w_dat(name, rows):
    with open(os.path.join(dat, name), "w") as fh:
        for r in rows:
            fh.write('"%s" %s %s\n' % (r[0], "NaN" if r[1] is None else r[1],
                                       "NaN" if r[2] is None else r[2]))
w_dat("lat.dat", [("self", self_us, None), ("sleeping\\nmedian", sl_med, g(self_us, 10)),
                  ("busy\\np99", bu_p99, g(self_us, 50)), ("64 threads\\nmedian", t64, g(sl_med, 64))])
w_dat("ratio.dat", [("page faults\\npatched/stock", fr, 0.98), ("numa_maps read\\nstock/patched", mr, 0.97)])
w_dat("mig.dat", [(m, ms[m], g(best, 0.9) if m == "numa_maps" else None)
                  for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages")])
w_dat("pause.dat", [(m, R["migrate"][m]["target_max_pause_ms"],
                     10 if m.startswith("numa_maps") else None)
                    for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages")])
gp = """set terminal pngcairo size 1200,900 font ",10" noenhanced
set output "%(out)s/bench.png"
set multiplot layout 2,2 title "numapol benchmarks %(date)s - %(vm)s (bars: measured, points: goal)"
set style fill solid 0.6
set boxwidth 0.6
set grid ytics
set key off
set yrange [0:*]
set title "writer latency to /proc/<pid>/numa_policy (us, log)"
set logscale y
set yrange [*:*]
plot "%(d)s/lat.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
unset logscale y
set yrange [0.8:%(rmax)s]
set title "cost for processes that do not use numapol (ratio, 1 = equal)"
plot "%(d)s/ratio.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
set yrange [0:*]
set title "moving %(mib)d MiB node 0 -> 1 (MiB/s)"
plot "%(d)s/mig.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
set title "target's longest pause during the move (ms)"
plot "%(d)s/pause.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
unset multiplot
""" % {"out": out, "date": date, "vm": vm, "d": dat, "mib": mib,
      "rmax": max([1.1] + [x + 0.05 for x in (fr, mr) if x is not None])}
open(os.path.join(dat, "chart.gp"), "w").write(gp)
r = subprocess.run(["gnuplot", os.path.join(dat, "chart.gp")], capture_output=True, text=True)
if r.returncode:
    print("bench: gnuplot failed: " + r.stderr.strip(), file=sys.stderr)
else:
    print("bench: out/bench.json, out/bench.txt, out/bench.png")
PY
