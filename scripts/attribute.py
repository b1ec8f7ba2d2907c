#!/usr/bin/env python3
"""Sort a checker's findings into ours and the pristine kernel's.

    scripts/attribute.py --tool NAME [--baseline LOG]... [--any-line]
                         [--pristine-log FILE] LOG...

Reads the output of a checker (gcc, sparse, coccicheck, kernel-doc), whose
findings begin "path:line[:col[-col]]: message", and decides for each whether
it is ours:

  * a finding in a file we wrote (the overlay of scripts/tree.sh: our files
    under fs/ mm/ include/ ...) is ours, whole file;
  * a finding in a kernel file our hunks (patches/*/*.diff) change is ours
    when its line is one the hunks add or change: the lines of
    `diff -U0 out/pristine/F out/linux/F` on the new side, i.e. every hunk of
    every patch, as assembled;
  * a finding on another line of such a file is ours when the same checker
    does not report the same message in the same file on the pristine
    source (--baseline: the checker's output over the pristine kernel, same
    config). Messages are compared without line and column numbers (the
    hunks shift them) and with digits blanked, as a set. This catches a
    finding our change causes on a line we did not touch (a lock, a now
    unused variable). Without a baseline such a finding counts as ours;
  * anything else (a pristine header, a file we never touch) is the
    pristine kernel's: counted, written to --pristine-log, never a failure.

A finding is a line whose message starts with "warning:" or "error:"
(gcc, sparse with -fdiagnostic-prefix, kernel-doc); with --any-line every
"path:line:" line is one (coccicheck's report mode). Lines after a finding
that belong to it (sparse's "expected/got", gcc's notes and excerpts) are
printed with it. The same finding reported by several objects (a header)
counts once.

A finding of ours that tests/check-waivers lists (tool, file, message
without line and column, digits blanked as above) is printed as waived and
does not fail; each waiver must follow a comment line that says why.

Prints our findings, then one summary line; exits 1 when any is ours and
not waived.
"""
import argparse
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOC = re.compile(r'^(?P<path>[A-Za-z0-9_./+-]+\.[A-Za-z0-9_]+)'
                 r':(?P<line>\d+)(?::(?P<col>\d+)(?:-\d+)?)?:\s?(?P<msg>.*)$')
FINDING = re.compile(r'^(?:sparse:\s*)?(?:warning|error)\b', re.I)


def overlay_files():
    """Our own kernel files (what scripts/tree.sh copies into the tree)."""
    out = subprocess.run(
        ['git', 'ls-files', '-co', '--exclude-standard', '--', 'fs', 'mm',
         'include', 'Documentation', 'kernel', 'lib', 'tools/testing/selftests'],
        cwd=TOP, check=True, capture_output=True, text=True).stdout
    return set(out.split())


def hunked_files():
    """Kernel files our hunks change."""
    files = set()
    pdir = os.path.join(TOP, 'patches')
    for d in sorted(os.listdir(pdir)):
        sub = os.path.join(pdir, d)
        if not os.path.isdir(sub):
            continue
        for f in sorted(os.listdir(sub)):
            if f.endswith('.diff'):
                with open(os.path.join(sub, f)) as fh:
                    for l in fh:
                        m = re.match(r'^\+\+\+ b/(\S+)', l)
                        if m:
                            files.add(m.group(1))
    return files


def added_lines(out, rel):
    """Line numbers of rel in the assembled tree that our hunks add."""
    old = os.path.join(out, 'pristine', rel)
    new = os.path.join(out, 'linux', rel)
    if not os.path.exists(new):
        return set()
    r = subprocess.run(['diff', '-U0', old, new], capture_output=True,
                       text=True)
    lines = set()
    for l in r.stdout.splitlines():
        m = re.match(r'^@@ -\S+ \+(\d+)(?:,(\d+))? @@', l)
        if m:
            start, n = int(m.group(1)), int(m.group(2) or 1)
            lines.update(range(start, start + n))
    return lines


def normalize(out, path):
    for pre in (os.path.join(out, 'linux') + '/',
                os.path.join(out, 'pristine') + '/'):
        if path.startswith(pre):
            return path[len(pre):]
    while path.startswith('./'):
        path = path[2:]
    return path


def key(msg):
    return re.sub(r'\d+', '#', msg.strip())


def parse(out, logs, any_line):
    """[(path, line, col, msg, [context lines])], in order, deduplicated."""
    found, seen, cur = [], set(), None
    for log in logs:
        with open(log, errors='replace') as fh:
            for raw in fh:
                raw = raw.rstrip('\n')
                m = LOC.match(raw)
                if m and (any_line or FINDING.match(m.group('msg'))):
                    path = normalize(out, m.group('path'))
                    f = (path, int(m.group('line')), m.group('col') or '',
                         m.group('msg').strip())
                    if f in seen:
                        cur = None
                        continue
                    seen.add(f)
                    cur = [path, f[1], f[2], f[3], []]
                    found.append(cur)
                elif cur is not None and (m or raw[:1].isspace()):
                    if m:
                        raw = '%s:%s:%s' % (normalize(out, m.group('path')),
                                            m.group('line'),
                                            raw[len(m.group('path')) +
                                                len(m.group('line')) + 2:])
                    cur[4].append(raw)
                else:
                    cur = None
    return found


def waivers(path, tool):
    """{(file, key(message))} waived for tool; a waiver needs a reason."""
    w, why = set(), False
    if not os.path.exists(path):
        return w
    with open(path) as fh:
        for n, l in enumerate(fh, 1):
            l = l.strip()
            if not l:
                why = False
                continue
            if l.startswith('#'):
                why = True
                continue
            parts = l.split(None, 2)
            if len(parts) != 3 or not why:
                sys.exit('%s:%d: want "TOOL FILE MESSAGE" after a comment '
                         'line that says why' % (path, n))
            if parts[0] == tool:
                w.add((parts[1], key(parts[2])))
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tool', required=True)
    ap.add_argument('--out', default=os.environ.get(
        'NUMAPOL_OUT', os.path.join(TOP, 'out')))
    ap.add_argument('--baseline', action='append', default=[])
    ap.add_argument('--any-line', action='store_true')
    ap.add_argument('--pristine-log')
    ap.add_argument('--quiet', action='store_true',
                    help='no summary line when nothing is ours')
    ap.add_argument('--waivers', default=os.path.join(TOP, 'tests',
                                                      'check-waivers'))
    ap.add_argument('logs', nargs='+')
    a = ap.parse_args()
    out = os.path.abspath(a.out)

    ours_files = overlay_files()
    hunked = hunked_files()
    added = {}
    base = None
    if a.baseline:
        base = {(p, key(msg)) for p, _, _, msg, _ in
                parse(out, a.baseline, a.any_line)}

    waived = waivers(a.waivers, a.tool)
    ours, theirs, excused = [], [], 0
    for f in parse(out, a.logs, a.any_line):
        path, line = f[0], f[1]
        why = None
        if path in ours_files:
            why = 'our file'
        elif path in hunked:
            if path not in added:
                added[path] = added_lines(out, path)
            if line in added[path]:
                why = 'a line our hunks add'
            elif base is None:
                why = 'in a file our hunks change, no pristine baseline'
            elif (path, key(f[3])) not in base:
                why = 'not reported on the pristine source'
        if why and (path, key(f[3])) in waived:
            why = 'waived in tests/check-waivers'
            excused += 1
        (ours if why else theirs).append((f, why))

    def show(f):
        col = ':%s' % f[2] if f[2] else ''
        return ['%s:%d%s: %s' % (f[0], f[1], col, f[3])] + f[4]

    for f, why in ours:
        lines = show(f)
        print('%s   [%s: %s]' % (lines[0], a.tool, why))
        for l in lines[1:]:
            print(l)
    if a.pristine_log:
        with open(a.pristine_log, 'w') as fh:
            for f, _ in theirs:
                fh.write('\n'.join(show(f)) + '\n')
    where = ' (%s)' % os.path.relpath(a.pristine_log, TOP) \
        if a.pristine_log and theirs else ''
    failing = len(ours) - excused
    if a.quiet and not failing:
        return 0
    print('%s: %d in our files and hunks%s; pristine kernel: %d %s warnings, '
          'not ours%s' % (a.tool, failing,
                          ' (and %d waived)' % excused if excused else '',
                          len(theirs), a.tool, where))
    return 1 if failing else 0


if __name__ == '__main__':
    sys.exit(main())
