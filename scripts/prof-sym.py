#!/usr/bin/env python3
# Symbolise numapol_prof's samples (tools/testing/selftests/numapol/
# numapol_prof.c, run in the VM) against a kernel's System.map:
#
#   scripts/prof-sym.py SYSTEM_MAP SAMPLES [--via FUNC[,FUNC...]] [--top N]
#
# Prints, per CPU, how many samples were idle (default_idle, ...) and the
# functions the others were in; then the busy samples by the first
# function of the call chain that names one of FUNC (default: every
# numapol function and do_mbind), so that a sample is charged to the
# path it was on. User-space samples count as USER.
import argparse
import bisect
import collections
import sys

ap = argparse.ArgumentParser()
ap.add_argument("system_map")
ap.add_argument("samples")
ap.add_argument("--via", default="")
ap.add_argument("--top", type=int, default=15)
args = ap.parse_args()

syms = []
for line in open(args.system_map):
    parts = line.split()
    if len(parts) >= 3 and parts[1] in "tTwW":
        syms.append((int(parts[0], 16), parts[2]))
syms.sort()
addrs = [a for a, _ in syms]


def name(ip):
    if ip < 0xffff800000000000:
        return "USER"
    i = bisect.bisect_right(addrs, ip) - 1
    return syms[i][1] if i >= 0 else "?"


via = [v for v in args.via.split(",") if v]
def charged(chain):
    for n in chain:
        if (n in via) if via else (n.startswith("numapol") or n == "do_mbind"):
            return n
    return "(other)"

idle = collections.Counter()
leaf = collections.defaultdict(collections.Counter)
path = collections.Counter()
for line in open(args.samples):
    parts = line.split()
    if len(parts) < 2:
        continue
    try:
        cpu, ips = parts[0], [int(x, 16) for x in parts[1:]]
    except ValueError:
        continue
    # Drop the PERF_CONTEXT_* markers, and the sampled IP repeated
    # at the head of the chain.
    ips = [ip for ip in ips if ip < 0xfffffffffffff000]
    if len(ips) > 1 and ips[1] == ips[0]:
        del ips[1]
    chain = [name(ip) for ip in ips]
    if chain[0].startswith(("default_idle", "acpi_idle", "intel_idle", "poll_idle")):
        idle[cpu] += 1
        continue
    leaf[cpu][chain[0]] += 1
    path[charged(chain)] += 1

if not idle and not leaf:
    sys.exit("prof-sym: no samples in %s" % args.samples)
for cpu in sorted(set(idle) | set(leaf), key=int):
    busy = sum(leaf[cpu].values())
    print("cpu %s: %d idle, %d busy: %s" % (cpu, idle[cpu], busy, ", ".join(
        "%s %d" % kv for kv in leaf[cpu].most_common(args.top))))
print("busy samples by path: " + ", ".join("%s %d" % kv for kv in path.most_common(args.top)))
