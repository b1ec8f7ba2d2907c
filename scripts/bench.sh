#!/bin/bash
# `make bench`: the numapol benchmarks (issues 7 and 16). Builds the release
# kernel and the stock 6.12 kernel (same config, no numapol), boots them in
# turn in the 4-node VM (release/stock, then stock/release, ... for ROUNDS
# rounds), runs tests/guest/bench in each boot, and prints one table, also
# written to out/bench.json, with charts in out/bench.png and
# out/bench-scaling.png (the growth curves; gnuplot). Each round also boots
# both kernels under QEMU's -icount (guest time counted in instructions,
# independent of the host's load) for the fast-path figures (keys icount.*).
#
#   scripts/bench.sh [--rounds N] [--mib MIB] [--kernels LIST] [--no-build]
#                    [--keep] [--report-only] [--icount SPEC | --no-icount]
#
# --rounds   boots per kernel and mode (default 5)
# --kernels  the kernels to boot, default "release stock"; with one only,
#            the figures that compare kernels are null
# --no-build use the kernels and helpers already built
# --keep     add to the boots already in out/bench instead of starting over
# --mib      the migration size (default 384: 512 MiB does not fit in the
#            VM's node 0, which also holds the kernel and the initramfs)
# --icount   QEMU's -icount option for the icount boots (default
#            shift=0,sleep=off: 1 ns per instruction, idle time skipped)
# --no-icount  no icount boots (the icount.* keys are null)
# --report-only   redo the table, JSON and charts from out/bench/*.txt
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export NUMAPOL_OUT=${NUMAPOL_OUT:-$top/out}
out=$NUMAPOL_OUT
rounds=5 mib=384 report_only=0 kernels="release stock" build=1 keep=0
icount=shift=0,sleep=off
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--keep) keep=1; shift ;;
	--report-only) report_only=1; shift ;;
	--icount) icount=$2; shift 2 ;;
	--no-icount) icount=""; shift ;;
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
	echo "$icount" > "$out/bench/icount"
	for ((r = 1; r <= rounds; r++)); do
		# LIST in order, then reversed, and so on (ABBA)
		order=$kernels
		((r % 2)) || order=$(echo "$kernels" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
		# wall-clock boots, then icount boots, each in that order
		for mode in wall ${icount:+icount}; do
			for k in $order; do
				tag=$k
				[ "$mode" = wall ] || tag=$k-icount
				f=$out/bench/$tag-$r.txt
				[ ! -e "$f" ] || f=$out/bench/$tag-$r-$(date +%s).txt
				echo "bench: round $r/$rounds, $k kernel, $mode" >&2
				ic=()
				[ "$mode" = wall ] || ic=(--icount "$icount")
				rc=0
				"$top/tests/vm/run" --kernel "$k" --nodes 4 --quiet --timeout 1800 --prealloc \
					"${ic[@]}" --append quiet --output "$f" -- \
					/bin/sh /usr/lib/numapol/bench "$k" "$r" "$mib" "$mode" || rc=$?
				[ "$rc" -eq 0 ] || echo "bench: the $k $mode boot of round $r ended with status $rc" >&2
			done
		done
	done
	echo "bench: $(( ($(date +%s) - start) / 60 )) minutes" >&2
fi

python3 - "$out" "$mib" <<'PY'
import glob, json, os, statistics as st, subprocess, sys

out, mib = sys.argv[1], int(sys.argv[2])
# boots[mode][kernel]: the "key value" dicts of each boot; mode "wall"
# (the VM's clock follows the host's) or "icount" (QEMU -icount)
boots = {"wall": {"release": [], "stock": []}, "icount": {"release": [], "stock": []}}
for f in sorted(glob.glob(os.path.join(out, "bench", "*-*.txt"))):
    d = {}
    for line in open(f, errors="replace"):
        k, _, v = line.strip().partition(" ")
        if k:
            d[k] = v
    if d.get("boot.done") != "1":
        print("bench: %s is incomplete (the boot failed?)" % f, file=sys.stderr)
    # Migrations measured in passes (migrate.pN.METHOD.*, tests/guest/bench):
    # the boot's migrate.METHOD.* are the passes together: the pages moved
    # and the seconds added up (mib_s = all MiB moved / all the time), the
    # longest pauses the longest of any pass.
    passes = sorted({k.split(".")[1] for k in d
                     if k.startswith("migrate.p") and k.split(".")[1][1:].isdigit()})
    for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
        got = [p for p in passes if "migrate.%s.%s.seconds" % (p, m) in d]
        if not got:
            continue
        def tot(x):
            return sum(float(d["migrate.%s.%s.%s" % (p, m, x)]) for p in got)
        def most(x):
            return max(float(d["migrate.%s.%s.%s" % (p, m, x)]) for p in got)
        try:
            d["migrate.%s.passes" % m] = str(len(got))
            d["migrate.%s.seconds" % m] = "%.3f" % tot("seconds")
            d["migrate.%s.seconds_per_run" % m] = "%.3f" % (tot("seconds") / len(got))
            d["migrate.%s.moved_pages" % m] = "%d" % tot("moved_pages")
            d["migrate.%s.pages" % m] = "%d" % tot("pages")
            d["migrate.%s.mib_s" % m] = "%.1f" % (sum(
                float(d["migrate.%s.%s.size_mib" % (p, m)]) *
                float(d["migrate.%s.%s.moved_pages" % (p, m)]) /
                float(d["migrate.%s.%s.pages" % (p, m)]) for p in got) / tot("seconds"))
            d["migrate.%s.target_max_pause_ms" % m] = "%.3f" % most("target_max_pause_ms")
            d["migrate.%s.idle_max_pause_ms" % m] = "%.3f" % most("idle_max_pause_ms")
        except (KeyError, ValueError, ZeroDivisionError):
            print("bench: %s: incomplete %s migration passes" % (f, m), file=sys.stderr)
    boots.setdefault(d.get("boot.mode", "wall"), {}).setdefault(d.get("boot.kernel", "?"), []).append(d)

def num(d, key):
    try:
        return float(d[key])
    except (KeyError, ValueError):
        return None

def vals(kernel, key, mode="wall"):
    return [v for v in (num(d, key) for d in boots[mode].get(kernel, [])) if v is not None]

def med(kernel, key, mode="wall"):
    v = vals(kernel, key, mode)
    return round(st.median(v), 3) if v else None

def worst(kernel, key, mode="wall"):
    v = vals(kernel, key, mode)
    return round(max(v), 3) if v else None

def ratio(a, b):
    return None if a is None or b is None or b == 0 else round(a / b, 4)

# SP[json key]: the per-round values behind a figure (the table's min /
# median / max): one value per boot, or per round for a ratio of kernels.
SP = {}

def per_boot(kernel, fn, mode="wall"):
    r = []
    for d in boots[mode].get(kernel, []):
        try:
            v = fn(d)
        except (TypeError, ZeroDivisionError):
            v = None
        if v is not None:
            r.append(v)
    return r

def per_round(num_kernel, num_key, den_kernel, den_key, mode="wall"):
    """numerator / denominator of the boots of the same round."""
    a = {d.get("boot.round"): num(d, num_key) for d in boots[mode].get(num_kernel, [])}
    b = {d.get("boot.round"): num(d, den_key) for d in boots[mode].get(den_kernel, [])}
    return [a[r] / b[r] for r in sorted(a) if r in b and a[r] is not None and b[r]]

def track(jkey, kernel, key, mode="wall"):
    SP[jkey] = vals(kernel, key, mode)

try:
    date = open(os.path.join(out, "bench", "date")).read().strip()
except OSError:
    date = None
try:
    icount_spec = open(os.path.join(out, "bench", "icount")).read().strip() or None
except OSError:
    icount_spec = None
vm = "QEMU TCG, 4 nodes x (1 CPU, 512 MiB)"
vm_ic = "QEMU TCG -icount %s (one host thread, vCPUs in turn), 4 nodes x (1 CPU, 512 MiB)" % (
    icount_spec or "shift=0,sleep=off")
machine = "%d host cores (shared), %s" % (os.cpu_count(), vm)
nrel, nstock = len(boots["wall"]["release"]), len(boots["wall"]["stock"])
nrel_ic, nstock_ic = len(boots["icount"]["release"]), len(boots["icount"]["stock"])
R = {}
F = {}

def fig(name, value_keys, kernel, goal=None, met=None, note=None, agg=None, rounds=None,
        mode="wall clock", decides=None):
    F[name] = {"keys": value_keys, "kernel": kernel, "vm": vm if mode == "wall clock" else vm_ic,
               "mode": mode,
               "rounds": (nrel if mode == "wall clock" else nrel_ic) if rounds is None else rounds,
               "aggregate": agg or "median over boots of each boot's figure",
               "goal": goal, "met": met,
               # does this figure's verdict count (goals missed)?
               "decides": None if goal is None else (True if decides is None else decides)}
    if note:
        F[name]["note"] = note

def le(a, b):
    return None if a is None or b is None else bool(a <= b)

self_us = med("release", "self_set_mempolicy.median_us")
track("self_set_mempolicy.median_us", "release", "self_set_mempolicy.median_us")
R["self_set_mempolicy"] = {"median_us": self_us}
fig("self_set_mempolicy", ["self_set_mempolicy.median_us"], "release",
    note="the caller's own set_mempolicy(2), 200 calls per boot")
sl_med = med("release", "policy_write.sleeping.median_us")
sl_p99 = med("release", "policy_write.sleeping.p99_us")
bu_med = med("release", "policy_write.busy.median_us")
bu_p99 = med("release", "policy_write.busy.p99_us")
t64 = med("release", "policy_write.threads64.median_us")
for k in ("sleeping.median_us", "sleeping.p99_us", "busy.median_us", "busy.p99_us",
          "threads64.median_us"):
    track("policy_write." + k, "release", "policy_write." + k)
R["policy_write"] = {"sleeping": {"median_us": sl_med, "p99_us": sl_p99},
                     "busy": {"median_us": bu_med, "p99_us": bu_p99},
                     "threads64": {"median_us": t64}}
g = lambda a, f: None if a is None else round(a * f, 3)
fig("policy_write.sleeping", ["policy_write.sleeping.median_us", "policy_write.sleeping.p99_us"],
    "release", "median_us <= 10 x self_set_mempolicy.median_us = %s" % g(self_us, 10),
    le(sl_med, g(self_us, 10)), "200 writes per boot; issue 7's goal, superseded by the "
    "ratio to the wake-up floor (issue 16: a remote change needs two cross-CPU wake-ups, "
    "which the caller's own call does not)", decides=False)
fig("policy_write.busy", ["policy_write.busy.median_us", "policy_write.busy.p99_us"],
    "release", "p99_us <= 50 x self_set_mempolicy.median_us = %s" % g(self_us, 50),
    le(bu_p99, g(self_us, 50)), "200 writes per boot; issue 7's goal, superseded by the "
    "ratio to the signal floor (issue 16)", decides=False)
fig("policy_write.threads64", ["policy_write.threads64.median_us"], "release",
    "median_us <= 64 x policy_write.sleeping.median_us = %s" % g(sl_med, 64),
    le(t64, g(sl_med, 64)), "50 writes per boot")

# The floors of a synchronous remote change, measured in the same boots.
wk_med = med("release", "floors.wakeup_rtt.median_us")
wk_p99 = med("release", "floors.wakeup_rtt.p99_us")
sg_med = med("release", "floors.signal_rtt.median_us")
sg_p99 = med("release", "floors.signal_rtt.p99_us")
for k in ("wakeup_rtt.median_us", "wakeup_rtt.p99_us", "signal_rtt.median_us", "signal_rtt.p99_us"):
    track(k, "release", "floors." + k)
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
SP["policy_write_vs_floor.sleeping_median"] = per_boot("release", lambda d:
    num(d, "policy_write.sleeping.median_us") / num(d, "floors.wakeup_rtt.median_us"))
SP["policy_write_vs_floor.busy_p99"] = per_boot("release", lambda d:
    num(d, "policy_write.busy.p99_us") / num(d, "floors.signal_rtt.p99_us"))
R["policy_write_vs_floor"] = {"sleeping_median": rs, "busy_p99": rb}
fig("policy_write_vs_floor.sleeping_median", ["policy_write_vs_floor.sleeping_median"],
    "release", "<= 2 (policy_write.sleeping.median_us / wakeup_rtt.median_us)",
    le(rs, 2.0), "ratio of the medians over boots; min/median/max: the ratio in each boot; "
    "the two are measured by different programs, seconds apart, each back to back: "
    "the paired figure below decides", decides=med("release", "paired.ratio") is None)
# The same ratio with the floor and the write measured in turn (numapol_latency -p):
# one round trip, one write, 200 times, so that both see the same host.
pw_fl = med("release", "paired.wakeup_rtt.median_us")
pw_wr = med("release", "paired.policy_write.sleeping.median_us")
track("paired.wakeup_rtt.median_us", "release", "paired.wakeup_rtt.median_us")
track("paired.policy_write.sleeping.median_us", "release",
      "paired.policy_write.sleeping.median_us")
SP["policy_write_vs_floor.sleeping_paired"] = vals("release", "paired.ratio")
rp = med("release", "paired.ratio")
R["paired"] = {"wakeup_rtt": {"median_us": pw_fl},
               "policy_write": {"sleeping": {"median_us": pw_wr}}}
R["policy_write_vs_floor"]["sleeping_paired"] = rp
fig("paired.wakeup_rtt", ["paired.wakeup_rtt.median_us"], "release",
    note="wakeup_rtt measured in turn with the sleeping write (numapol_latency -p)")
fig("paired.policy_write.sleeping", ["paired.policy_write.sleeping.median_us"], "release",
    note="policy_write.sleeping measured in turn with the wake-up floor (numapol_latency -p)")
fig("policy_write_vs_floor.sleeping_paired", ["policy_write_vs_floor.sleeping_paired"],
    "release", "<= 2 (paired.policy_write.sleeping.median_us / paired.wakeup_rtt.median_us)",
    le(rp, 2.0), "200 pairs per boot (one futex round trip with a process asleep on CPU 1, "
    "then one write to a target asleep on CPU 1); value: median over boots of each boot's "
    "ratio of medians")
fig("policy_write_vs_floor.busy_p99", ["policy_write_vs_floor.busy_p99"],
    "release", "<= 2 (policy_write.busy.p99_us / signal_rtt.p99_us)",
    le(rb, 2.0), "ratio of the medians over boots; min/median/max: the ratio in each boot")
rself = med("release", "restore.self_ms")
rwr = med("release", "restore.write_ms")
rrat = ratio(rwr, rself)
rvmas = med("release", "restore.vmas")
track("numa_maps_restore.write_ms", "release", "restore.write_ms")
track("numa_maps_restore.self_mbind_ms", "release", "restore.self_ms")
SP["numa_maps_restore.ratio"] = per_boot("release", lambda d:
    num(d, "restore.write_ms") / num(d, "restore.self_ms"))
# write_ms and self_mbind_ms as before; ms, self_ms and vmas are issue 16's names
R["numa_maps_restore"] = {"write_ms": rwr, "self_mbind_ms": rself, "ratio": rrat,
                          "ms": rwr, "self_ms": rself,
                          "vmas": None if rvmas is None else int(rvmas)}
fig("numa_maps_restore", ["numa_maps_restore.write_ms", "numa_maps_restore.self_mbind_ms",
    "numa_maps_restore.ratio"], "release",
    "ratio <= 2 (write of the saved numa_maps / the target's own mbind(2) calls)",
    le(rrat, 2.0), "%s mappings each with its own policy, reset to default, "
    "then the saved numa_maps written back in 64 KiB writes; 3 per boot "
    "(numa_maps_restore.ms = write_ms, .self_ms = self_mbind_ms)" % (
        "10,000" if rvmas is None else "{:,}".format(int(rvmas))))

def fast_path(prefix, mode, nr, ns):
    """fault_ratio and numa_maps_read_ratio of one mode: (fr, mr, raw)."""
    fr_rel, fr_st = med("release", "fault.mib_s", mode), med("stock", "fault.mib_s", mode)
    mr_rel, mr_st = med("release", "maps.read_ms", mode), med("stock", "maps.read_ms", mode)
    fr, mr = ratio(fr_rel, fr_st), ratio(mr_st, mr_rel)
    SP[prefix + "fault_ratio"] = per_round("release", "fault.mib_s", "stock", "fault.mib_s", mode)
    SP[prefix + "numa_maps_read_ratio"] = per_round("stock", "maps.read_ms", "release",
                                                    "maps.read_ms", mode)
    return fr, mr, (fr_rel, fr_st, mr_rel, mr_st)

fr, mr, raw_wall = fast_path("", "wall", nrel, nstock)
fr_ic, mr_ic, raw_ic = fast_path("icount.", "icount", nrel_ic, nstock_ic)
R["fault_ratio"] = fr
R["numa_maps_read_ratio"] = mr
# Fast-path cost goals are decided by the icount figures when there are
# some; the wall-clock ones then only inform.
for name, v, v_ic, lim, what in (
        ("fault_ratio", fr, fr_ic, 0.98,
         "touch 256 MiB anonymous (one write per 4 KiB page), 7 reps per boot; "
         "median MiB/s release %s, stock %s"),
        ("numa_maps_read_ratio", mr, mr_ic, 0.97,
         "read numa_maps of a process with 10,000 VMAs, 15 reads per boot; "
         "median ms stock %s, release %s")):
    raw = raw_wall if name == "fault_ratio" else (raw_wall[3], raw_wall[2])
    raw_i = raw_ic if name == "fault_ratio" else (raw_ic[3], raw_ic[2])
    ic_decides = v_ic is not None
    order = "release / stock" if name == "fault_ratio" else "stock / release"
    fig(name, [name], "%s (same config), alternating boots" % order,
        "%s >= %s" % (name, lim), None if v is None else v >= lim,
        (what % raw[:2]) + ("; the goal is decided by icount.%s" % name if ic_decides else
                            "; no icount boots in this run: wall clock decides"),
        "ratio of the medians over boots of each boot's median; min/median/max: "
        "the ratio in each round", min(nrel, nstock), decides=not ic_decides)
    fig("icount." + name, ["icount." + name], "%s (same config), alternating boots" % order,
        "%s >= %s" % (name, lim), None if v_ic is None else v_ic >= lim,
        (what % raw_i[:2]) + "; guest time counted in instructions (-icount)",
        "ratio of the medians over boots of each boot's median; min/median/max: "
        "the ratio in each round", min(nrel_ic, nstock_ic), mode="icount",
        decides=ic_decides if v_ic is not None else False)

ic_self = med("release", "self_set_mempolicy.median_us", "icount")
ic_sl = med("release", "policy_write.sleeping.median_us", "icount")
track("icount.self_set_mempolicy.median_us", "release", "self_set_mempolicy.median_us", "icount")
track("icount.policy_write.sleeping.median_us", "release", "policy_write.sleeping.median_us", "icount")
R["icount"] = {"fault_ratio": fr_ic, "numa_maps_read_ratio": mr_ic,
               "self_set_mempolicy": {"median_us": ic_self},
               "policy_write": {"sleeping": {"median_us": ic_sl}}}
fig("icount.self_set_mempolicy", ["icount.self_set_mempolicy.median_us"], "release",
    note="as self_set_mempolicy, under -icount", mode="icount")
fig("icount.policy_write.sleeping", ["icount.policy_write.sleeping.median_us"], "release",
    note="as policy_write.sleeping, under -icount (the vCPUs run in turn on one host "
    "thread, so a cross-CPU wake-up waits for QEMU's round robin); %s x "
    "icount.self_set_mempolicy; no goal: the latency goals are decided on wall clock "
    "against the floors" % ratio(ic_sl, ic_self), mode="icount")
ic_rtt = med("release", "floors.wakeup_rtt.median_us", "icount")
ic_rs = ratio(ic_sl, ic_rtt)
track("icount.wakeup_rtt.median_us", "release", "floors.wakeup_rtt.median_us", "icount")
SP["icount.policy_write_vs_floor.sleeping_median"] = per_boot("release", lambda d:
    num(d, "policy_write.sleeping.median_us") / num(d, "floors.wakeup_rtt.median_us"),
    "icount")
R["icount"]["wakeup_rtt"] = {"median_us": ic_rtt}
R["icount"]["policy_write_vs_floor"] = {"sleeping_median": ic_rs}
fig("icount.wakeup_rtt", ["icount.wakeup_rtt.median_us"], "release",
    note="as wakeup_rtt, under -icount", mode="icount")
fig("icount.policy_write_vs_floor.sleeping_median",
    ["icount.policy_write_vs_floor.sleeping_median"], "release",
    "<= 2 (icount.policy_write.sleeping.median_us / icount.wakeup_rtt.median_us)",
    le(ic_rs, 2.0), "the goal's ratio in guest instructions: what the write's own code "
    "adds to the two wake-ups it shares with the floor, without TCG's costs "
    "(software TLB, emulated MMIO); the paired wall-clock ratio decides",
    mode="icount", decides=False)

R["migrate"] = {}
ms = {}
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    ms[m] = med("release", "migrate.%s.mib_s" % m)
    R["migrate"][m] = {"mib_s": ms[m],
                       "target_max_pause_ms": worst("release", "migrate.%s.target_max_pause_ms" % m)}
    track("migrate.%s.mib_s" % m, "release", "migrate.%s.mib_s" % m)
    track("migrate.%s.target_max_pause_ms" % m, "release", "migrate.%s.target_max_pause_ms" % m)
best = max([v for k, v in ms.items() if not k.startswith("numa_maps") and v is not None], default=None)
npass = max([int(num(d, "migrate.numa_maps.passes") or 1) for d in boots["wall"]["release"]]
            or [1])
mnote = ("%d MiB moved node 0 -> node 1 (512 MiB does not fit: the VM's nodes have "
         "512 MiB and node 0 also holds the kernel and the initramfs); %s" % (mib, (
             "%d runs per method per boot (after one unmeasured migration), in two orders; "
             "a boot's MiB/s is all the MiB those runs moved over all their time" % npass)
             if npass > 1 else "one run per method per boot"))
# The same goal boot by boot: the methods run one after the other in each boot
# (their order rotating from round to round), so a boot's ratio sees one host.
def mig_ratio(d):
    b = [x for x in (num(d, "migrate.migrate_pages.mib_s"),
                     num(d, "migrate.move_pages.mib_s")) if x]
    n = num(d, "migrate.numa_maps.mib_s")
    return n / max(b) if b and n is not None else None
SP["migrate.numa_maps.ratio_to_best"] = per_boot("release", mig_ratio)
mrb = (round(st.median(SP["migrate.numa_maps.ratio_to_best"]), 4)
       if SP["migrate.numa_maps.ratio_to_best"] else None)
R["migrate"]["numa_maps"]["ratio_to_best"] = mrb
# The same in guest instructions (the icount boots move the same MIB, one
# run per method after a warm-up): the migration's own cost, which the
# host's scheduling of the vCPUs does not move. It decides the goal when
# there are icount boots with migrations.
SP["icount.migrate.numa_maps.ratio_to_best"] = per_boot("release", mig_ratio, "icount")
ic_mrb = (round(st.median(SP["icount.migrate.numa_maps.ratio_to_best"]), 4)
          if SP["icount.migrate.numa_maps.ratio_to_best"] else None)
R["icount"]["migrate"] = {}
for m in ("numa_maps", "migrate_pages", "move_pages"):
    R["icount"]["migrate"][m] = {"mib_s": med("release", "migrate.%s.mib_s" % m, "icount")}
    track("icount.migrate.%s.mib_s" % m, "release", "migrate.%s.mib_s" % m, "icount")
R["icount"]["migrate"]["numa_maps"]["ratio_to_best"] = ic_mrb
fig("migrate.numa_maps.mib_s", ["migrate.numa_maps.mib_s"], "release",
    "numa_maps >= 0.9 x best of migrate_pages, move_pages = %s" % g(best, 0.9),
    None if ms["numa_maps"] is None or best is None else ms["numa_maps"] >= 0.9 * best,
    mnote + "; medians of different boots: the ratio in each boot below decides",
    decides=mrb is None)
fig("migrate.numa_maps.ratio_to_best", ["migrate.numa_maps.ratio_to_best"], "release",
    ">= 0.9 (numa_maps / best of migrate_pages, move_pages, in the same boot)",
    None if mrb is None else mrb >= 0.9,
    "median over boots of each boot's ratio; min/median/max: the ratio in each boot" +
    ("; icount.migrate.numa_maps.ratio_to_best decides" if ic_mrb is not None else ""),
    decides=ic_mrb is None)
if ic_mrb is not None:
    for m in ("numa_maps", "migrate_pages", "move_pages"):
        fig("icount.migrate.%s.mib_s" % m, ["icount.migrate.%s.mib_s" % m], "release",
            note="as migrate.%s.mib_s, under -icount (MiB per second of guest time)" % m,
            mode="icount")
    fig("icount.migrate.numa_maps.ratio_to_best", ["icount.migrate.numa_maps.ratio_to_best"],
        "release", ">= 0.9 (numa_maps / best of migrate_pages, move_pages, in the same boot)",
        ic_mrb >= 0.9, "the migration rate goal in guest instructions: each boot's ratio, "
        "median over boots; decides the goal (on the wall clock the same kernel's pairs "
        "spread 0.75-1.76 on this host)", mode="icount")
for m in ("numa_maps_move", "migrate_pages", "move_pages"):
    fig("migrate.%s.mib_s" % m, ["migrate.%s.mib_s" % m], "release", note=mnote)
pause_note = ("longest gap between two clock stamps of a target thread that stores each "
              "stamp into the next page of the range being moved; the max over boots")
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    R["migrate"][m]["idle_max_pause_ms"] = worst("release", "migrate.%s.idle_max_pause_ms" % m)
    track("migrate.%s.idle_max_pause_ms" % m, "release", "migrate.%s.idle_max_pause_ms" % m)
idle_all = vals("release", "migrate.numa_maps.idle_max_pause_ms") + vals(
    "release", "migrate.numa_maps_move.idle_max_pause_ms") + vals(
    "release", "migrate.migrate_pages.idle_max_pause_ms") + vals(
    "release", "migrate.move_pages.idle_max_pause_ms")
if idle_all:
    pause_note += ("; with nothing moving (one second before each migration) the same thread's "
                   "longest gap was %.3f ms (max over all boots and methods; median %.3f)" % (
                       max(idle_all), st.median(idle_all)))
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    p = R["migrate"][m]["target_max_pause_ms"]
    ours = m.startswith("numa_maps")
    fig("migrate.%s.target_max_pause_ms" % m, ["migrate.%s.target_max_pause_ms" % m], "release",
        "<= 10 ms" if ours else None,
        le(p, 10.0) if ours else None, pause_note, "max over boots")

# configfs re-apply: N = 1 is the single-process write (same path, same
# measurement); the growth must be linear or better up to the largest N.
CN = (1, 10, 100, 1000, 10000)
R["configfs_reapply_ms"] = {}
pending = any(d.get("configfs.pending") == "1" for d in boots["wall"]["release"])
for n in CN:
    R["configfs_reapply_ms"][str(n)] = None if pending else med("release", "configfs_reapply_ms.%d" % n)
    track("configfs_reapply_ms.%d" % n, "release", "configfs_reapply_ms.%d" % n)
c = R["configfs_reapply_ms"]
ckeys = ["configfs_reapply_ms.%d" % n for n in CN]
measured = [n for n in CN if c[str(n)] is not None]
cnotes = []
for n in CN:
    if c[str(n)] is not None or pending:
        continue
    bound = vals("release", "configfs.bound.%d" % n)
    cnotes.append("configfs_reapply_ms.%d is null: %s" % (n, (
        "the VM ran out: at most %d of %d processes started and bound (configfs.bound.%d)"
        % (max(bound), n, n)) if bound and max(bound) < n else "no boot measured it"))
if measured:
    mem = med("release", "configfs.memavail_kb.%d" % measured[-1])
    cnotes.append("largest N measured: %d (MemAvailable with all %d bound: %s kB)" % (
        measured[-1], measured[-1], None if mem is None else int(mem)))
one, sleeping_single = c["1"], sl_med
single, single_name = (one, "configfs_reapply_ms.1") if one is not None else (
    None if sl_med is None else sl_med / 1000, "policy_write.sleeping.median_us")
if pending or c["1000"] is None or single is None:
    fig("configfs_reapply_ms", ckeys, "release",
        "1000 <= 10 x the single-process write, growth linear or better", None,
        "pending: configfs not merged (measured automatically once "
        "/sys/kernel/config/numapol exists)" if pending else
        "configfs run failed; " + "; ".join(cnotes))
else:
    steps = [(a, b, ratio(c[str(b)], c[str(a)])) for a, b in zip(measured, measured[1:])]
    lin = all(f is not None and f <= b / a for a, b, f in steps)
    cnotes.insert(0, "growth per step (N: t(N2)/t(N1), linear = N2/N1): " + ", ".join(
        "%d->%d: %s" % (a, b, f) for a, b, f in steps))
    cnotes.insert(1, "configfs_reapply_ms.1000 = %s x %s; = %s x policy_write.sleeping.median_us" % (
        ratio(c["1000"], single), single_name, ratio(c["1000"], None if sl_med is None else sl_med / 1000)))
    fig("configfs_reapply_ms", ckeys, "release",
        "1000 <= 10 x %s = %s; linear or better (t(N2)/t(N1) <= N2/N1)" % (
            single_name, g(single, 10)),
        c["1000"] <= 10 * single and lin, "; ".join(cnotes),
        "median over boots of each boot's median (15 writes for N <= 100, 5 above)")

# The floor of a re-apply to N processes: waking N sleeping processes one by
# one and waiting for the last answer (numapol_bench_rtt's wake_all).
R["wake_all_ms"] = {}
for n in CN:
    R["wake_all_ms"][str(n)] = med("release", "floors.wake_all_ms.%d" % n)
    track("wake_all_ms.%d" % n, "release", "floors.wake_all_ms.%d" % n)
fig("wake_all_ms", ["wake_all_ms.%d" % n for n in CN], "release",
    note="the floor of a change in each of N sleeping processes: N processes asleep in "
    "FUTEX_WAIT, each on its own word, woken one by one by the writer (CPU 0); the last to "
    "answer wakes it; median of 15 for N <= 100, 5 above")
wf = R["wake_all_ms"]
rcf = None if pending or c["1000"] is None else ratio(c["1000"], wf["1000"])
R["configfs_reapply_vs_floor"] = {"1000": rcf}
SP["configfs_reapply_vs_floor.1000"] = per_boot("release", lambda d:
    num(d, "configfs_reapply_ms.1000") / num(d, "floors.wake_all_ms.1000"))
fig("configfs_reapply_vs_floor.1000", ["configfs_reapply_vs_floor.1000"], "release",
    "<= 2 (configfs_reapply_ms.1000 / wake_all_ms.1000), proposed",
    le(rcf, 2.0), "the goal 10 x configfs_reapply_ms.1 is below this floor (wake_all_ms.1000 "
    "= %s x configfs_reapply_ms.1): no re-apply can meet it on this machine; this row "
    "measures the re-apply against what it cannot beat (shown, not deciding)" % (
        ratio(wf["1000"], one)), decides=False)

# The growth curves: arrays of [x, y], medians over boots.
def curve(xs, key_fmt, scale=1.0):
    pts = []
    for x in xs:
        v = med("release", key_fmt % x)
        if v is not None:
            pts.append([x, round(v * scale, 3)])
    return pts

TH = (1, 8, 64, 512)
VM_N = (100, 1000, 10000)
MIG = sorted(set([s for s in (64, 128, 256) if s < mib] + [mib]))
def mig_curve(m):
    pts = []
    for s in MIG:
        key = "migrate.%s.seconds" % m if s == mib else "scaling.migrate.%d.%s.seconds" % (s, m)
        # the mean of a boot's passes at MIB (one run each before passes)
        v = med("release", "migrate.%s.seconds_per_run" % m) if s == mib else None
        v = med("release", key) if v is None else v
        if v is not None:
            pts.append([s, round(v * 1000, 1)])
    return pts

def restore_curve(what):
    # raw files of the older harness: one size only, unprefixed keys
    pts = curve(VM_N, "restore.%d." + what)
    if not pts and rvmas in VM_N and med("release", "restore." + what) is not None:
        pts = [[int(rvmas), med("release", "restore." + what)]]
    return pts

S = {
    "policy_write_vs_threads": {
        "x": "threads in the target", "y": "median us",
        "numa_policy_write": curve(TH, "scaling.threads.%d.write_us"),
        "target_own_set_mempolicy": curve(TH, "scaling.threads.%d.self_us"),
        "note": "numa_policy_write: a write to /proc/<pid>/numa_policy of a T-thread "
                "target (sleeping); target_own_set_mempolicy: the target changes every "
                "thread itself (its main thread calls set_mempolicy(2) and wakes the "
                "T - 1 others, which each call it; until the last has); 50 of each per boot"},
    "configfs_reapply_vs_processes": {
        "x": "bound processes", "y": "ms",
        "configfs_policy_write": [[n, c[str(n)]] for n in CN if c[str(n)] is not None],
        "proc_numa_policy_writes": curve(CN, "configfs.proc_writes_ms.%d"),
        "wake_all_floor": curve(CN, "floors.wake_all_ms.%d"),
        "note": "configfs_policy_write: one write of the group's policy (median of 15 "
                "writes for N <= 100, 5 above); proc_numa_policy_writes: the same change "
                "by writing each process's /proc/<pid>/numa_policy in turn (median of 3, "
                "1 for N > 1000); wake_all_floor: N sleeping processes woken one by one "
                "and answering (numapol_bench_rtt's wake_all)"},
    "numa_maps_restore_vs_vmas": {
        "x": "VMAs", "y": "ms",
        "numa_maps_write": restore_curve("write_ms"),
        "target_own_mbind": restore_curve("self_ms"),
        "note": "the saved numa_maps written back against the target's own mbind(2) "
                "calls, one per VMA; median of 3 per boot"},
    "migration_vs_size": {
        "x": "MiB", "y": "ms",
        "numa_maps_N0>1": mig_curve("numa_maps"),
        "migrate_pages": mig_curve("migrate_pages"),
        "note": "time of the one numa_maps write 'START-END N0>1' or the one "
                "migrate_pages(2) call moving the range from node 0 to node 1; one of "
                "each per boot (at the main size: the mean of the boot's passes)"},
}
R["scaling"] = S

if not nstock or not nrel:
    for n in ("fault_ratio", "numa_maps_read_ratio"):
        F[n]["note"] = "not measured: no %s kernel boot in this run; " % (
            "stock" if not nstock else "release") + F[n]["note"]

doc = dict(R)
doc.update({"date": date, "machine": machine, "command": "make bench",
            "rounds": {"release": nrel, "stock": nstock,
                       "icount": {"release": nrel_ic, "stock": nstock_ic}},
            "icount": dict(R["icount"], spec=icount_spec),
            "migrate_size_mib": mib, "figures": F})
json.dump(doc, open(os.path.join(out, "bench.json"), "w"), indent=2)

def get(path):
    v = R
    for p in path.split("."):
        if not isinstance(v, dict) or p not in v:
            return None
        v = v[p]
    return v

def fmt_v(v):
    return "null" if v is None else ("%.4g" % v if abs(v) < 1e5 else "%.0f" % v)

rows = []
for name, f in F.items():
    for k in f["keys"]:
        v = get(k)
        first = k == f["keys"][0]
        met = f["met"]
        if f["goal"] is None:
            mtxt = "-"
        elif met is None:
            mtxt = "n/a"
        else:
            mtxt = "MET" if met else "MISSED"
            if not f["decides"]:
                mtxt = "(%s)" % mtxt
        sp = SP.get(k) or []
        spread = ("-", "-", "-") if not sp else tuple(fmt_v(x) for x in (min(sp), st.median(sp), max(sp)))
        rows.append((k, "icount" if f["mode"] == "icount" else "wall", fmt_v(v)) + spread +
                    ((f["goal"] or "-") if first else "", mtxt if first else "",
                     str(len(sp) if sp else f["rounds"]) if first else str(len(sp)) if sp else ""))
hdr = ("figure", "clock", "value", "min", "median", "max", "goal", "met", "rounds")
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
fmt = "| " + " | ".join("%%-%ds" % x for x in w) + " |"
lines = ["numapol benchmarks, %s, %s" % (date, machine), "",
         fmt % hdr, "|" + "|".join("-" * (x + 2) for x in w) + "|"]
lines += [fmt % r for r in rows]
lines += ["",
          "value: the JSON value (median over boots; max for target_max_pause_ms; ratio of the "
          "medians for ratios); min/median/max: over the boots (per round for ratios of kernels)",
          "clock: wall = the VM's clock follows the host's; icount = QEMU -icount %s, guest time "
          "counted in instructions. Fast-path cost goals (fault_ratio, numa_maps_read_ratio) are "
          "decided by icount, and so is the migration rate, latency goals by wall clock; (MET)/(MISSED): a goal shown but decided "
          "by another row (the other clock, or the write and its floor measured in turn)" % (icount_spec or "(not run)"),
          "raw: page faults MiB/s release %s, stock %s; numa_maps read ms release %s, stock %s; "
          "boots release %d, stock %d" % (raw_wall[0], raw_wall[1], raw_wall[2], raw_wall[3],
                                           nrel, nstock),
          "raw icount: page faults MiB/s release %s, stock %s; numa_maps read ms release %s, "
          "stock %s; boots release %d, stock %d" % (raw_ic[0], raw_ic[1], raw_ic[2], raw_ic[3],
                                                    nrel_ic, nstock_ic)]
for m in ("numa_maps", "numa_maps_move", "migrate_pages", "move_pages"):
    lines.append("raw: %s moved %s of %s pages per boot, %s s" % (
        m, vals("release", "migrate.%s.moved_pages" % m), vals("release", "migrate.%s.pages" % m),
        vals("release", "migrate.%s.seconds" % m)))
lines.append("target_max_pause_ms: " + pause_note)
if "note" in F["configfs_reapply_ms"]:
    lines.append("configfs_reapply_ms: " + F["configfs_reapply_ms"]["note"])
lines.append("")
lines.append("growth curves (scaling in out/bench.json, out/bench-scaling.png), [x, y]:")
for cname, cv in S.items():
    for sname, pts in cv.items():
        if isinstance(pts, list):
            lines.append("  %s.%s (%s; %s): %s" % (cname, sname, cv["x"], cv["y"], json.dumps(pts)))
missed = [n for n, f in F.items() if f["met"] is False and f["decides"]]
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
w_dat("ratio.dat", [("page faults\\npatched/stock", fr, 0.98), ("numa_maps read\\nstock/patched", mr, 0.97),
                    ("page faults\\n(icount)", fr_ic, 0.98), ("numa_maps read\\n(icount)", mr_ic, 0.97)])
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
set title "cost for processes that do not use numapol (ratio, 1 = equal; icount decides)"
plot "%(d)s/ratio.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
set yrange [0:*]
set title "moving %(mib)d MiB node 0 -> 1 (MiB/s)"
plot "%(d)s/mig.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
set title "target's longest pause during the move (ms)"
plot "%(d)s/pause.dat" using 0:2:xtic(1) with boxes, "" using 0:3 with points pt 7 ps 2
unset multiplot
""" % {"out": out, "date": date, "vm": vm, "d": dat, "mib": mib,
      "rmax": max([1.1] + [x + 0.05 for x in (fr, mr, fr_ic, mr_ic) if x is not None])}

# The second chart: the growth curves, one panel each.
def w_xy(name, pts):
    with open(os.path.join(dat, name), "w") as fh:
        for x, y in pts:
            fh.write("%s %s\n" % (x, y))
    return os.path.join(dat, name)

panels = []
for i, (cname, title, logx) in enumerate((
        ("policy_write_vs_threads", "change every thread of a T-thread target (us)", True),
        ("configfs_reapply_vs_processes", "re-apply a group's policy to N processes (ms)", True),
        ("numa_maps_restore_vs_vmas", "restore a saved numa_maps of N VMAs (ms)", True),
        ("migration_vs_size", "move N MiB node 0 -> 1 (ms)", False))):
    cv = S[cname]
    plots = []
    for j, (sname, pts) in enumerate((k, v) for k, v in cv.items() if isinstance(v, list)):
        if pts:
            plots.append('"%s" using 1:2 with linespoints lw 2 pt %d title "%s"' % (
                w_xy("scaling-%d-%d.dat" % (i, j), pts), 7 + j, sname))
    if cname == "configfs_reapply_vs_processes" and single is not None and not pending:
        # linear growth from the single-process write, and the goal at 1000
        plots.append("%s * x with lines dt 2 lc rgb 'gray' title 'linear from %s'" % (
            single, "N = 1" if one is not None else "the /proc write"))
        plots.append("'-' using 1:2 with points pt 2 ps 2 lc rgb 'red' title 'goal: 10 x %s'" % (
            "N = 1" if one is not None else "the /proc write"))
    scale = ("set logscale xy\nset xrange [*:*]\nset yrange [*:*]\n" if logx else
             "unset logscale xy\nset xrange [0:*]\nset yrange [0:*]\n")
    # an empty panel (e.g. raw files of an older harness): say so
    body = ", ".join(plots) if plots else (
        '[1:10] [1:10] 1/0 notitle\nunset label 1')
    if not plots:
        scale += 'set label 1 "no data" at graph 0.5, graph 0.5 center\n'

    inline = "\n1000 %s\ne\n" % (10 * single) if (
        cname == "configfs_reapply_vs_processes" and single is not None and not pending and plots) else "\n"
    panels.append('%sset title "%s"\nset xlabel "%s"\nset ylabel "%s"\nplot %s%s' % (
        scale, title, cv["x"], cv["y"], body, inline))
gp2 = """set terminal pngcairo size 1200,900 font ",10" noenhanced
set output "%(out)s/bench-scaling.png"
set multiplot layout 2,2 title "numapol growth curves %(date)s - %(vm)s (medians over boots)"
set grid xtics ytics
set key top left
%(panels)s
unset multiplot
""" % {"out": out, "date": date, "vm": vm, "panels": "".join(panels)}
ok = True
for name, text in (("chart.gp", gp), ("chart-scaling.gp", gp2)):
    open(os.path.join(dat, name), "w").write(text)
    r = subprocess.run(["gnuplot", os.path.join(dat, name)], capture_output=True, text=True)
    if r.returncode:
        ok = False
        print("bench: gnuplot failed (%s): %s" % (name, r.stderr.strip()), file=sys.stderr)
if ok:
    print("bench: out/bench.json, out/bench.txt, out/bench.png, out/bench-scaling.png")
PY
