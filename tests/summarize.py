#!/usr/bin/env python3
"""Turn numapol test outputs into one verdict per test case and a summary.

  summarize.py [--vm-exit N] [--vm-results FILE] [--tap NAME=FILE ...]
               [--tap-exit NAME=STATUS ...] [--expected FILE [--only SEL]]
               [--allowed-skips FILE] [--src DIR]

--vm-results is what tests/guest/run-tests wrote (the VM's set-up errors,
KUnit KTAP blocks, one TAP stream per selftest binary with its exit status,
the kmemleak report); --tap adds a host TAP stream (numacfg's unit tests)
and --tap-exit the exit status of the command that wrote it; --vm-exit is
tests/vm/run's status (121 splat, 124 timeout, 125 guest died).

--expected FILE (tests/expected-suites) lists the suites that must have run
and how many tests each must have run at least; a suite that is missing,
ran fewer tests, lacks a test its source defines, or ran without being
listed is a failure. --only SEL is tests/run-all's selection (one selftest
program): the other selftest programs are then not expected.

--allowed-skips FILE (tests/allowed-skips) makes every skip a failure
unless its name matches a line of FILE. Skips are listed by name at the end.

The last line printed is "N passed, N failed, N skipped"; the exit status is
1 when anything failed.
"""
import argparse
import fnmatch
import os
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)\s*(?:#\s*(.*))?$')
# A marker that closes a block; it may follow output that did not end with
# a newline ("ok 3 - x== exit 0").
CLOSER = re.compile(r'^(.*?)== (exit|end)\s*(-?\d*)\s*$')
HEADER = re.compile(r'^== (kunit|ksft|kmemleak|init)\s*(.*)$')


class Suite:
    def __init__(self):
        self.leaves = 0     # test cases that reported a result
        self.names = set()  # every result name, leaves and containers


class Tally:
    def __init__(self):
        self.rows = []
        self.suites = {}

    def add(self, verdict, name, why=''):
        self.rows.append([verdict, name, why])

    def suite(self, name):
        return self.suites.setdefault(name, Suite())

    def count(self, verdict):
        return sum(1 for r in self.rows if r[0] == verdict)


def parse_tap(lines, prefix, tally, exit_status=None):
    """Count the leaf results of a (K)TAP stream, nested or flat."""
    suite = tally.suite(prefix)
    results = []  # (indent, ok, num, name, directive)
    top_plan = None
    plan_directive = ''
    for line in lines:
        line = line.rstrip('\n')
        m = RESULT.match(line)
        if m:
            indent = len(m.group(1).expandtabs(8))
            results.append((indent, m.group(2) == 'ok', int(m.group(3)),
                            m.group(4).strip(), (m.group(6) or '').strip()))
            continue
        p = PLAN.match(line)
        if p and top_plan is None:
            top_plan = int(p.group(1))
            plan_directive = (p.group(2) or '').strip()
    leaves = 0
    failed = 0
    top_seen = 0
    for i, (indent, ok, num, name, directive) in enumerate(results):
        suite.names.add(name)
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
        skip = directive.upper().startswith('SKIP')
        if skip and ok:
            tally.add('SKIP', full, directive[4:].strip())
        elif ok:
            tally.add('PASS', full)
        else:
            # "not ok ... # SKIP" is a failure: a skip cannot excuse it.
            tally.add('FAIL', full, f'not ok, then {directive}' if skip else '')
            failed += 1
    suite.leaves += leaves
    if top_plan == 0 and not results:
        # "1..0 # SKIP reason": the whole program skipped itself.
        if plan_directive.upper().startswith('SKIP'):
            tally.add('SKIP', prefix, 'the whole program: ' +
                      (plan_directive[4:].strip() or 'no reason given'))
        else:
            tally.add('FAIL', prefix, 'plan 1..0: no tests')
            failed += 1
    elif top_plan is not None and top_seen < top_plan:
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

    def close(status=None, finished=True):
        """Parse the open block; finished=False: its closing marker is missing."""
        if kind == 'kunit':
            parse_tap(block, f'kunit/{name}', tally)
            if not finished:
                tally.add('FAIL', f'kunit/{name}', 'results cut off (no "== end")')
        elif kind == 'ksft':
            parse_tap(block, f'ksft/{name}', tally, status)
            if not finished:
                tally.add('FAIL', f'ksft/{name}', 'did not finish (no "== exit" marker)')
        elif kind == 'kmemleak':
            tally.suite('vm/kmemleak').leaves += 1
            errors = [l[2:] for l in block if l.startswith('# kmemleak: error:')]
            leaks = sum(1 for l in block if l.startswith('unreferenced object'))
            if errors:
                tally.add('FAIL', 'vm/kmemleak', '; '.join(errors))
            elif not finished:
                tally.add('FAIL', 'vm/kmemleak', 'report cut off (no "== end")')
            elif leaks:
                tally.add('FAIL', 'vm/kmemleak', f'{leaks} leaked objects')
                sys.stdout.write(''.join(l + '\n' for l in block[:40]))
            else:
                tally.add('PASS', 'vm/kmemleak')
        elif kind == 'init':
            tally.suite('vm/init').leaves += 1
            errors = [l for l in block if l.strip()]
            if errors:
                tally.add('FAIL', 'vm/init', '; '.join(errors))
            elif not finished:
                tally.add('FAIL', 'vm/init', 'cut off (no "== end")')
            else:
                tally.add('PASS', 'vm/init')

    for line in text.split('\n'):
        m = HEADER.match(line)
        if m:
            if kind is not None:
                close(finished=False)
            block, kind, name = [], m.group(1), m.group(2).strip()
            continue
        m = CLOSER.match(line)
        if m and kind is not None and \
                (m.group(2) == 'exit') == (kind == 'ksft') and \
                (m.group(2) == 'end' or m.group(3) != ''):
            if m.group(1):
                block.append(m.group(1))
            close(int(m.group(3)) if m.group(2) == 'exit' else None)
            block, kind, name = None, None, None
            continue
        if block is not None:
            block.append(line)
    if kind is not None:
        close(finished=False)


# --- Expected suites: how many tests the sources define ----------------------

def strip_c_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def initializer_elements(text, start):
    """The top-level elements of the brace initializer opening at text[start]."""
    assert text[start] == '{'
    depth, i, elems, cur = 0, start, [], []
    while i < len(text):
        c = text[i]
        if c in '"\'':
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in '{([':
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in '})]':
            depth -= 1
            if depth == 0:
                if ''.join(cur).strip():
                    elems.append(''.join(cur).strip())
                return elems
        elif c == ',' and depth == 1:
            elems.append(''.join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    raise ValueError('unterminated initializer')


def array_elements(text, array):
    m = re.search(r'\b%s\s*\[\s*\]\s*=\s*\{' % re.escape(array), text)
    if not m:
        raise ValueError(f'no array {array}[]')
    return initializer_elements(text, m.end() - 1)


def count_harness(text, suite):
    """kselftest_harness.h tests: TEST*() and TEST_F*(), times the variants."""
    variants = {}
    for f, v in re.findall(r'^\s*FIXTURE_VARIANT_ADD\s*\(\s*(\w+)\s*,\s*(\w+)', text, re.M):
        variants.setdefault(f, []).append(v)
    names = []
    for macro, a, b in re.findall(
            r'^\s*(TEST|TEST_SIGNAL|TEST_F|TEST_F_SIGNAL|TEST_F_TIMEOUT)\s*\(\s*(\w+)\s*(?:,\s*(\w+))?',
            text, re.M):
        if macro in ('TEST', 'TEST_SIGNAL'):
            names.append(f'global.{a}')
        else:
            for v in variants.get(a, ['']):
                names.append(f'{a}.{v}.{b}' if v else f'{a}.{b}')
    return len(names), names


def count_kunit(text, suite):
    """KUnit cases of the suite named SUITE; a parameterized case counts its
    parameters when they come from KUNIT_ARRAY_PARAM, else 1."""
    want = suite.split('/', 1)[1]
    gens = {f'{p}_gen_params': a for p, a in
            re.findall(r'\bKUNIT_ARRAY_PARAM(?:_DESC)?\s*\(\s*(\w+)\s*,\s*(\w+)', text)}
    for body in re.findall(r'\bstruct\s+kunit_suite\s+\w+\s*=\s*\{(.*?)\};', text, re.S):
        n = re.search(r'\.name\s*=\s*"([^"]*)"', body)
        c = re.search(r'\.test_cases\s*=\s*(\w+)', body)
        if not n or n.group(1) != want or not c:
            continue
        count, names = 0, []
        for e in array_elements(text, c.group(1)):
            m = re.match(r'KUNIT_CASE(?:_SLOW|_ATTR)?\s*\(\s*(\w+)', e)
            p = re.match(r'KUNIT_CASE_PARAM(?:_ATTR)?\s*\(\s*(\w+)\s*,\s*(\w+)', e)
            if p:
                names.append(p.group(1))
                array = gens.get(p.group(2))
                count += len(array_elements(text, array)) if array else 1
            elif m:
                names.append(m.group(1))
                count += 1
            elif e not in ('{}', '{ }'):
                raise ValueError(f'cannot read case {e!r}')
        return count, names
    raise ValueError(f'no suite named "{want}"')


def count_tap_table(text, suite):
    """numacfg's tests/tap.h table: struct tap_test tests[] = { { "name", fn }, ... }."""
    m = re.search(r'\bstruct\s+tap_test\s+(\w+)\s*\[\s*\]\s*=', text)
    if not m:
        raise ValueError('no struct tap_test table')
    names = []
    for e in array_elements(text, m.group(1)):
        lits = re.match(r'\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+),', e)
        if not lits:
            raise ValueError(f'cannot read entry {e[:40]!r}')
        names.append(''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', lits.group(1))))
    return len(names), names


def count_check_calls(text, suite):
    """numacfg's vm-test.sh: one test per `check "NAME" ...` line."""
    names = re.findall(r'^\s*check\s+"([^"]*)"', text, re.M)
    # A name with an expansion in it cannot be known here: counted only.
    return len(names), [n for n in names if '$' not in n and '\\' not in n]


COUNTERS = {'harness': count_harness, 'kunit': count_kunit,
            'tap': count_tap_table, 'check': count_check_calls}


def read_expected(path):
    """SUITE MIN [COUNTER SOURCE] lines, and "@programs PREFIX MAKEFILE"."""
    suites, programs = [], []
    for lineno, line in enumerate(open(path), 1):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        if line[0] == '@programs' and len(line) == 3:
            programs.append((line[1], line[2]))
        elif len(line) == 2 and line[1].isdigit():
            suites.append((line[0], int(line[1]), None, None))
        elif len(line) == 4 and line[1].isdigit() and line[2] in COUNTERS:
            suites.append((line[0], int(line[1]), line[2], line[3]))
        else:
            raise ValueError(f'{path}:{lineno}: cannot read "{" ".join(line)}"')
    return suites, programs


def in_scope(suite, only):
    """tests/run-all SEL runs one selftest program (or, SEL=numacfg, only
    numacfg's VM tests) besides KUnit, numacfg's host tests and kmemleak."""
    if not only or not suite.startswith('ksft/'):
        return True
    name = suite[5:]
    return name == only or name == f'{only}-vm'


def check_expected(path, only, src, tally):
    rel = os.path.relpath(path)
    try:
        suites, programs = read_expected(path)
    except (OSError, ValueError) as e:
        tally.add('FAIL', 'expected-suites', str(e))
        return
    listed = {s[0] for s in suites}
    for prefix, makefile in programs:
        try:
            mk = open(os.path.join(src, makefile)).read()
        except OSError as e:
            tally.add('FAIL', 'expected-suites', str(e))
            continue
        mk = mk.replace('\\\n', ' ')
        for progs in re.findall(r'^\s*TEST_GEN_PROGS\s*[:+]?=(.*)$', mk, re.M):
            for prog in progs.split():
                if f'{prefix}/{prog}' not in listed:
                    tally.add('FAIL', f'{prefix}/{prog}',
                              f'a test program of {makefile} not listed in {rel}')
    for name in sorted(tally.suites):
        if name not in listed:
            tally.add('FAIL', name, f'ran, but is not listed in {rel} (list it, '
                      'so that losing it fails)')
    if only and not any(s[0].startswith('ksft/') and in_scope(s[0], only) for s in suites):
        tally.add('FAIL', f'ksft/{only}', f'selected, but no such suite in {rel}')
    for suite, minimum, counter, source in suites:
        if not in_scope(suite, only):
            continue
        want, names, whence = minimum, [], f'{minimum} in {rel}'
        if counter:
            try:
                text = open(os.path.join(src, source), errors='replace').read()
                if source.endswith(('.c', '.h')):
                    text = strip_c_comments(text)
                counted, names = COUNTERS[counter](text, suite)
                if counted == 0:
                    raise ValueError('counted no test')
            except (OSError, ValueError) as e:
                tally.add('FAIL', suite, f'cannot count the tests in {source}: {e}')
                counted = 0
            want = max(minimum, counted)
            whence += f', {counted} in {source}'
        got = tally.suites.get(suite)
        if got is None:
            tally.add('FAIL', suite, f'did not run (expected {want} tests: {whence})')
            continue
        if got.leaves < want:
            tally.add('FAIL', suite, f'{got.leaves} tests ran, expected at least '
                      f'{want} ({whence})')
        missing = [n for n in names if n not in got.names]
        for n in missing[:10]:
            tally.add('FAIL', f'{suite}/{n}', f'in {source}, not in the results')
        if len(missing) > 10:
            tally.add('FAIL', suite, f'{len(missing) - 10} more tests of {source} '
                      'not in the results')


def read_allowed_skips(path):
    allowed = []
    for line in open(path):
        pat, _, why = line.partition('#')
        if pat.strip():
            allowed.append((pat.strip(), why.strip()))
    return allowed


def apply_skip_policy(path, tally):
    """Inside make test a skip is a failure unless the allow-list names it."""
    rel = os.path.relpath(path)
    try:
        allowed = read_allowed_skips(path)
    except OSError as e:
        tally.add('FAIL', 'allowed-skips', str(e))
        return
    for row in tally.rows:
        if row[0] != 'SKIP':
            continue
        hit = next((a for a in allowed if fnmatch.fnmatchcase(row[1], a[0])), None)
        if hit:
            row[2] = f'{row[2]}; allowed by {rel}' + (f': {hit[1]}' if hit[1] else '')
        else:
            row[0] = 'FAIL'
            row[2] = f'skipped ({row[2] or "no reason given"}), not allowed by {rel}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vm-exit', type=int)
    ap.add_argument('--vm-results')
    ap.add_argument('--tap', action='append', default=[])
    ap.add_argument('--tap-exit', action='append', default=[])
    ap.add_argument('--expected')
    ap.add_argument('--only', default='')
    ap.add_argument('--allowed-skips')
    ap.add_argument('--src', default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    tally = Tally()
    exits = {}
    for spec in args.tap_exit:
        name, _, status = spec.partition('=')
        exits[name] = int(status)
    for spec in args.tap:
        name, _, path = spec.partition('=')
        try:
            with open(path, errors='replace') as f:
                parse_tap(f.readlines(), name, tally, exits.get(name))
        except OSError as e:
            tally.add('FAIL', name, str(e))
    if args.vm_results:
        parse_vm_results(args.vm_results, tally)
    if args.expected:
        check_expected(args.expected, args.only, args.src, tally)
    if args.allowed_skips:
        apply_skip_policy(args.allowed_skips, tally)
    if args.vm_exit is not None:
        why = {0: '', 121: 'splat in the kernel log (see tests/vm/run --check-console)',
               124: 'timed out', 125: 'the guest died',
               2: 'tests/vm/run: usage error or no kernel'}.get(
                   args.vm_exit, f'guest command exit {args.vm_exit}')
        tally.add('PASS' if args.vm_exit == 0 else 'FAIL', 'vm/clean-run', why)
    for verdict, name, why in tally.rows:
        print(f'{verdict} {name}' + (f' ({why})' if why else ''))
    skipped = [r for r in tally.rows if r[0] == 'SKIP' or
               (r[0] == 'FAIL' and r[2].startswith('skipped ('))]
    if skipped:
        print(f'skips ({len(skipped)}):')
        for verdict, name, why in skipped:
            print(f'  {"skipped" if verdict == "SKIP" else "FAILED "} {name}')
    print(f"{tally.count('PASS')} passed, {tally.count('FAIL')} failed, "
          f"{tally.count('SKIP')} skipped")
    return 1 if tally.count('FAIL') else 0


if __name__ == '__main__':
    sys.exit(main())
