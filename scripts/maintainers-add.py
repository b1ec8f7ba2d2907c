#!/usr/bin/env python3
"""Add F: lines to the NUMAPOL entry of a MAINTAINERS text, kept sorted.
   maintainers-add.py IN OUT 'F:<tab>path' ..."""
import sys
src, dst, add = sys.argv[1], sys.argv[2], [a.replace('\\t', '\t') for a in sys.argv[3:]]
s = open(src).read()
start = s.index('NUMAPOL (NUMA POLICY OF RUNNING PROCESSES)\n')
end = s.index('\n\n', start)
lines = s[start:end].split('\n')
head = [l for l in lines if not l.startswith('F:')]
fs = sorted(set([l for l in lines if l.startswith('F:')] + add))
open(dst, 'w').write(s[:start] + '\n'.join(head + fs) + s[end:])
