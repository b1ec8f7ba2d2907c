#!/usr/bin/env python3
"""Turn numapol test outputs into one verdict per test case and a summary.

  summarize.py [--vm-exit N] [--vm-results FILE] [--tap NAME=FILE ...]

--vm-results is what tests/guest/run-tests wrote (KUnit KTAP blocks, one
TAP stream per selftest binary with its exit status, the kmemleak report);
--tap adds a host TAP stream (numacfg's unit tests); --vm-exit is
tests/vm/run's status (121 splat, 124 timeout, 125 guest died). The last
line printed is "N passed, N failed, N skipped"; the exit status is 1 when
anything failed.
"""
import argparse
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(#\s*(.*))?$')
PLAN = re.compile(r'^\s*1\.\.(\d+)')


class Tally:
    def __init__(self):
        self.rows = []

    def add(self, verdict, name, why=''):
        self.rows.append((verdict, name, why))

    def count(self, verdict):
        return sum(1 for r in self.rows if r[0] == verdict)


def parse_tap(lines, prefix, tally, exit_status=None):
    """Count the leaf results of a (K)TAP stream, nested or flat."""
    results = []  # (indent, ok, num, name, directive)
    top_plan = None
    for line in lines:
        line = line.rstrip('\n')
        m = RESULT.match(line)
        if m:
            indent = len(m.group(1).expandtabs(8))
            results.append((indent, m.group(2) == 'ok', int(m.group(3)),
                            m.group(4).strip(), (m.group(6) or '').strip()))
            continue
        p = PLAN.match(line)
        if p and top_plan is None and not line.startswith((' ', '\t')):
            top_plan = int(p.group(1))
    leaves = 0
    failed = 0
    top_seen = 0
    for i, (indent, ok, num, name, directive) in enumerate(results):
        # A result closes a block when deeper results come right before it.
        has_children = i > 0 and results[i - 1][0] > indent
        if indent == 0:
            top_seen += 1
        if has_children:
            if not ok:
                # A container failed: count it only if no child explains it.
                j = i - 1
                child_failed = False
                while j >= 0 and results[j][0] > indent:
                    child_failed |= not results[j][1]
                    j -= 1
                if not child_failed:
                    tally.add('FAIL', f'{prefix}/{name}', 'failed outside its cases')
                    failed += 1
            continue
        leaves += 1
        full = f'{prefix}/{name}'
        if directive.upper().startswith('SKIP'):
            tally.add('SKIP', full, directive[4:].strip())
        elif ok:
            tally.add('PASS', full)
        else:
            tally.add('FAIL', full)
            failed += 1
    if top_plan is not None and top_seen < top_plan:
        tally.add('FAIL', f'{prefix}', f'plan 1..{top_plan}, saw {top_seen} results (crashed?)')
        failed += 1
    if leaves == 0 and top_plan is None:
        tally.add('FAIL', prefix, 'produced no test results')
        failed += 1
    if exit_status not in (None, 0, 4) and failed == 0:
        # 4 is kselftest's "skip" exit status.
        tally.add('FAIL', prefix, f'exit status {exit_status}')


def parse_vm_results(path, tally):
    try:
        text = open(path, errors='replace').read().replace('\r', '')
    except OSError as e:
        tally.add('FAIL', 'vm', f'no results: {e}')
        return
    if 'NUMAPOL-RESULTS 1' not in text:
        tally.add('FAIL', 'vm', 'the guest wrote no results')
        return
    if 'NUMAPOL-RESULTS-END' not in text:
        tally.add('FAIL', 'vm', 'the guest results are truncated')
    block, kind, name = None, None, None
    for line in text.split('\n'):
        m = re.match(r'^== (kunit|ksft|kmemleak|end|exit)\s*(.*)$', line)
        if m:
            tag, arg = m.group(1), m.group(2).strip()
            if tag in ('kunit', 'ksft', 'kmemleak'):
                block, kind, name = [], tag, arg
            elif tag == 'end' and kind == 'kunit':
                parse_tap(block, f'kunit/{name}', tally)
                block = kind = None
            elif tag == 'end' and kind == 'kmemleak':
                leaks = sum(1 for l in block if l.startswith('unreferenced object'))
                if leaks:
                    tally.add('FAIL', 'vm/kmemleak', f'{leaks} leaked objects')
                    sys.stdout.write(''.join(l + '\n' for l in block[:40]))
                else:
                    tally.add('PASS', 'vm/kmemleak')
                block = kind = None
            elif tag == 'exit' and kind == 'ksft':
                parse_tap(block, f'ksft/{name}', tally, int(arg or 0))
                block = kind = None
            continue
        if block is not None:
            block.append(line)
    if kind == 'ksft' and block is not None:
        parse_tap(block, f'ksft/{name}', tally, None)
        tally.add('FAIL', f'ksft/{name}', 'did not finish')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vm-exit', type=int)
    ap.add_argument('--vm-results')
    ap.add_argument('--tap', action='append', default=[])
    args = ap.parse_args()
    tally = Tally()
    for spec in args.tap:
        name, _, path = spec.partition('=')
        try:
            with open(path, errors='replace') as f:
                parse_tap(f.readlines(), name, tally)
        except OSError as e:
            tally.add('FAIL', name, str(e))
    if args.vm_results:
        parse_vm_results(args.vm_results, tally)
    if args.vm_exit is not None:
        why = {0: '', 121: 'splat in the kernel log (KASAN/lockdep/BUG/WARNING/kmemleak)',
               124: 'timed out', 125: 'the guest died'}.get(args.vm_exit,
                                                        f'guest command exit {args.vm_exit}')
        tally.add('PASS' if args.vm_exit == 0 else 'FAIL', 'vm/clean-run', why)
    for verdict, name, why in tally.rows:
        print(f'{verdict} {name}' + (f' ({why})' if why else ''))
    print(f"{tally.count('PASS')} passed, {tally.count('FAIL')} failed, "
          f"{tally.count('SKIP')} skipped")
    return 1 if tally.count('FAIL') else 0


if __name__ == '__main__':
    sys.exit(main())
