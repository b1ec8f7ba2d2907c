#!/bin/bash
# `make series`: export our work as a git-am-able patch series against
# Linux 6.12.117, one logical change per patch.
#
# Each patches/NN-slug/ directory is one patch: `message` (the commit
# message: subject line, blank line, body, Signed-off-by), `files` (the
# files of ours the patch adds, one per line) and *.diff (its hunks to
# existing kernel files). Every file of ours must belong to one patch.
#
# patches/00-cover-letter, if present, is patch 0/N: its first line is the
# subject, then a blank line, then the body in plain text. A line
# "%%SHORTLOG%%" marks where the shortlog and diffstat go: git format-patch
# --cover-letter appends them after the body, so the marker must be last.
# The cover letter has no diff: `git am` every file but
# 0000-cover-letter.patch (git send-email sends it as patch 0/N).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
dest=${1:-$out/series}
case "$dest" in /*) ;; *) dest=$top/$dest ;; esac
"$top/scripts/tree.sh"
cd "$top"

ours=$(git ls-files -co --exclude-standard -- fs mm include Documentation \
	kernel lib tools/testing/selftests tools/numacfg | sort)
listed=$(cat patches/*/files 2>/dev/null | sed '/^#/d; /^$/d' | sort)
dups=$(echo "$listed" | uniq -d)
[ -z "$dups" ] || { echo "series: in more than one patch: $dups" >&2; exit 1; }
missing=$(comm -23 <(echo "$ours") <(echo "$listed"))
[ -z "$missing" ] || { echo "series: in no patch: $missing" >&2; exit 1; }
gone=$(comm -13 <(echo "$ours") <(echo "$listed"))
[ -z "$gone" ] || { echo "series: listed but missing: $gone" >&2; exit 1; }

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q
git -C "$repo" config user.name "numapol developers"
git -C "$repo" config user.email "numapol@example.org"
# The base: pristine copies of every kernel file a hunk touches.
for rel in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' patches/*/*.diff 2>/dev/null | sort -u); do
	mkdir -p "$repo/$(dirname "$rel")"
	cp "$out/pristine/$rel" "$repo/$rel"
done
git -C "$repo" add -A
git -C "$repo" commit -q --allow-empty -m "Linux 6.12.117 (files touched by the series)"
base=$(git -C "$repo" rev-parse HEAD)

for p in patches/*/; do
	[ -f "$p/message" ] || { echo "series: $p has no message" >&2; exit 1; }
	for f in $(sed '/^#/d; /^$/d' "$p/files" 2>/dev/null); do
		mkdir -p "$repo/$(dirname "$f")"
		cp "$f" "$repo/$f"
	done
	for d in "$p"/*.diff; do
		[ -e "$d" ] || continue
		patch -s -p1 -d "$repo" --no-backup-if-mismatch -F0 < "$d"
	done
	git -C "$repo" add -A
	git -C "$repo" commit -q -F "$top/$p/message"
done
cover=patches/00-cover-letter
cover_opt=()
if [ -f "$cover" ]; then
	subject=$(head -n 1 "$cover")
	[ -n "$subject" ] || { echo "series: $cover: no subject on line 1" >&2; exit 1; }
	[ -z "$(sed -n 2p "$cover")" ] ||
		{ echo "series: $cover: line 2 must be blank" >&2; exit 1; }
	# The blurb goes into a mail without a charset header.
	if LC_ALL=C grep -qn '[^[:print:][:space:]]' "$cover"; then
		echo "series: $cover: only ASCII text, please" >&2
		exit 1
	fi
	if sed '1,/^%%SHORTLOG%%$/d' "$cover" | grep -q '[^[:space:]]' &&
	   grep -q '^%%SHORTLOG%%$' "$cover"; then
		echo "series: $cover: text after %%SHORTLOG%% (the shortlog comes last)" >&2
		exit 1
	fi
	cover_opt=(--cover-letter)
fi
rm -rf "$dest" && mkdir -p "$dest"
git -C "$repo" format-patch -q ${cover_opt[@]+"${cover_opt[@]}"} -o "$dest" \
	"$base..HEAD"
if [ -f "$cover" ]; then
	# Fill format-patch's template: the subject, and the body up to the
	# %%SHORTLOG%% marker (without trailing blank lines) as the blurb;
	# format-patch has already put the shortlog and diffstat after it.
	blurb=$repo/.cover-blurb	# removed with $repo
	tail -n +3 "$cover" | sed '/^%%SHORTLOG%%$/,$d' |
		sed -e ':a' -e '/^[[:space:]]*$/{$d;N;ba' -e '}' > "$blurb"
	letter=$dest/0000-cover-letter.patch
	[ -f "$letter" ] || { echo "series: format-patch made no $letter" >&2; exit 1; }
	# (The subject comes through the environment: awk -v would expand
	# backslashes in it.)
	SERIES_SUBJECT=$subject awk -v blurb="$blurb" '
		!done_s && (i = index($0, "*** SUBJECT HERE ***")) {
			$0 = substr($0, 1, i - 1) ENVIRON["SERIES_SUBJECT"] \
			     substr($0, i + 20)
			done_s = 1
		}
		!done_b && $0 == "*** BLURB HERE ***" {
			while ((getline line < blurb) > 0)
				print line
			done_b = 1
			next
		}
		{ print }
		END { if (!done_s || !done_b) exit 1 }
	' "$letter" > "$letter.new" ||
		{ rm -f "$letter.new"; echo "series: cannot fill $letter" >&2; exit 1; }
	mv "$letter.new" "$letter"
fi
ls "$dest"
