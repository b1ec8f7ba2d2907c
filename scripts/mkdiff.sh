#!/bin/bash
# Make a hunk file from an edited copy of a kernel file:
#   scripts/mkdiff.sh PATH EDITED_COPY >> patches/NN-slug/name.diff
# PATH is the kernel path (mm/mempolicy.c); the diff is against pristine 6.12.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
rel=$1 edited=$2
diff -u --label "a/$rel" --label "b/$rel" "$out/pristine/$rel" "$edited" || [ $? -eq 1 ]
