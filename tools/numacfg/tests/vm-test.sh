#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# numacfg against the real kernel: run as root inside the test VM (4 memory
# nodes, CONFIG_NUMAPOL=y, configfs mounted).  POSIX sh, busybox is enough.
# Prints TAP; exits non-zero if a test failed.
#
#   numacfg-vm-test.sh [PATH_TO_NUMACFG]

NC=${1:-numacfg}
CFS=/sys/kernel/config/numapol
T=$(mktemp -d /tmp/numacfg-vm.XXXXXX)
n=0
failed=0
pids=

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# check NAME COMMAND...: a test passes when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@" >"$T/last.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/# /' "$T/last.out"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

cleanup() {
	# shellcheck disable=SC2086 # a list of pids
	[ -n "$pids" ] && kill $pids 2>/dev/null
	echo 'groups = ();' | "$NC" apply - >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# A process whose comm is $1: the shell renames itself, then blocks in a
# read of a FIFO that never gets data. It never forks (a `sleep` loop
# would share its pages with a child, and shared pages are not migrated)
# and never touches new memory, so its pages stay where a test put them.
mkfifo "$T/idle"
exec 9<>"$T/idle"
spawn() {
	sh -c "echo $1 > /proc/\$\$/comm; read x < $T/idle" &
	pids="$pids $!"
	last=$!
}

# placement PID MAPPING: the N<node>=<pages> fields of the first numa_maps
# line of PID that mentions MAPPING (" stack", " heap"), e.g. "N1=3".
placement() {
	grep " $2" "/proc/$1/numa_maps" | head -1 | tr ' ' '\n' | grep '^N[0-9]*=' |
		tr '\n' ' ' | sed 's/ $//'
}
# pages_of PID MAPPING: how many pages of the mapping are resident.
pages_of() {
	placement "$1" "$2" | tr ' ' '\n' | sed 's/^N[0-9]*=//' |
		awk '{ n += $1 } END { print n + 0 }'
}
# within SECONDS COMMAND...: COMMAND succeeds within SECONDS (polled every
# 0.2 s): watch reacts to events, a fixed sleep is too short on a busy host.
within() {
	deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# placed PID MAPPING WANT: the mapping's pages are exactly where WANT says
# ("N1=3", or "N0=10 N2=2"); prints what numa_maps shows either way.
placed() {
	got=$(placement "$1" "$2")
	echo "$2 of $1: '$got', want '$3'"
	[ -n "$3" ] && [ "$got" = "$3" ]
}

echo "TAP version 13"

# Only on a numapol kernel: mount configfs if nobody did yet.
if [ -e /proc/self/numa_policy ] && [ ! -d "$CFS" ]; then
	mount -t configfs none /sys/kernel/config 2>/dev/null
fi
if [ ! -d "$CFS" ] || [ ! -e /proc/self/numa_policy ]; then
	skip "numacfg VM tests" "no numapol in this kernel"
	echo "1..$n"
	exit 0
fi

spawn ncA; A=$last
spawn ncB; B=$last
spawn nccomm; C=$last
sleep 1

check "version" "$NC" --version
check "get shows default" sh -c "[ \"\$($NC get $A)\" = default ]"
check "set task policy (seed form, all)" "$NC" set "$A" 'interleave=all'
check "get shows normalized policy" \
	sh -c "[ \"\$($NC get $A)\" = 'interleave:0-3' ]"
check "get --threads lists the thread" sh -c "$NC get $A --threads | grep -q 'interleave:0-3'"
check "set back to default" "$NC" set "$A" default
# Where the pages go, not only the exit status: A's stack pages (a few, all
# its own) are moved to node 3, then to node 1 (one of the two is a real
# move wherever they started), then migrated.
S=$(pages_of "$A" stack)
echo "# the stack of $A: $S pages ($(placement "$A" stack))"
check "set --mapping stack --move to node 3" "$NC" set "$A" --mapping stack bind:3 --move
check "set --move put every stack page on node 3" placed "$A" stack "N3=$S"
check "set --mapping stack --move" "$NC" set "$A" --mapping stack bind:1 --move
check "set --move put every stack page on node 1" placed "$A" stack "N1=$S"
check "numa_maps shows the stack policy" \
	sh -c "grep ' stack' /proc/$A/numa_maps | grep -q ' bind:1 '"
check "migrate --from 1 --to 2" "$NC" migrate "$A" --from 1 --to 2
check "migrate moved every stack page to node 2" placed "$A" stack "N2=$S"
check "migrate with --pages and --mapping" \
	"$NC" migrate "$A" --from 2 --to 0 --mapping stack --pages 10
want="N0=$S"
[ "$S" -le 10 ] || want="N0=10 N2=$((S - 10))"
check "migrate --pages 10 moved at most 10 stack pages to node 0" placed "$A" stack "$want"
check "show lists the stack with its policy" sh -c "$NC show $A | grep ' stack ' | grep -q 'bind:1'"
check "bad policy is refused" sh -c "! $NC set $A bind:9 2>$T/err && grep -q '^numacfg: ' $T/err"
check "vanished pid is refused" sh -c "! $NC get 999999 2>$T/err && grep -q 'process 999999' $T/err"

cat > "$T/a.conf" <<CONF
version = 1;
groups = (
  { name = "g1"; policy = "prefer=1";
    tasks = ( { pid = $A; }, { pid = $B; } ); },
  { name = "g2"; policy = "interleave={2,3}"; move = true;
    tasks = ( { comm = "nccomm"; } );
    ranges = ( { pid = $A; mapping = "stack"; } ); }
);
CONF

check "diff before apply lists changes" sh -c "$NC diff $T/a.conf | grep -q '^+ task g1/tasks/$A'"
check "apply" "$NC" apply "$T/a.conf"
check "pid binding applied" sh -c "[ \"\$(tr -d '\n' < /proc/$A/numa_policy)\" = prefer:1 ]"
check "second pid binding applied" sh -c "[ \"\$(tr -d '\n' < /proc/$B/numa_policy)\" = prefer:1 ]"
check "comm binding applied" sh -c "[ \"\$(tr -d '\n' < /proc/$C/numa_policy)\" = interleave:2-3 ]"
check "task state bound" sh -c "[ \"\$(cat $CFS/g1/tasks/$A/state)\" = bound ]"
check "range state bound" sh -c "[ \"\$(cat $CFS/g2/ranges/$A-stack/state)\" = bound ]"
check "range policy in numa_maps" \
	sh -c "grep ' stack' /proc/$A/numa_maps | grep -q 'interleave:2-3'"
check "re-apply changes nothing" sh -c "[ \"\$($NC apply $T/a.conf)\" = 'no changes' ]"
check "diff after apply is empty" sh -c "[ \"\$($NC diff $T/a.conf)\" = 'no changes' ]"
check "diff --exit-code after apply is 0" "$NC" diff --exit-code "$T/a.conf"
check "check validates the file without the kernel" "$NC" check "$T/a.conf"
check "dump | apply - changes nothing" \
	sh -c "$NC dump > $T/dump.conf && [ \"\$($NC apply - < $T/dump.conf)\" = 'no changes' ]"
check "status shows pages per node" sh -c "$NC status | grep -q 'tasks/$A' && $NC status | head -1 | grep -q N3"
check "status --json" sh -c "$NC status --json | grep -q '\"n0\": '"
check "status --json -b gives bytes" sh -c "$NC status --json -b | grep -q '\"n0\": [0-9]'"
check "get --threads --json" sh -c "$NC get $A --threads --json | grep -q '\"tid\": $A'"

sed 's/prefer=1/bind:0/' "$T/a.conf" > "$T/b.conf"
check "changed file: apply changes the policy" \
	sh -c "$NC apply $T/b.conf | grep -q '~ group g1 policy prefer:1 -> bind:0'"
check "live change visible in /proc" sh -c "[ \"\$(tr -d '\n' < /proc/$A/numa_policy)\" = bind:0 ]"

cat > "$T/bad.conf" <<CONF
version = 1;
groups = (
  { name = "x";
    policy = "bind:9"; }
);
CONF
check "config error names file and line" \
	sh -c "! $NC apply $T/bad.conf 2>$T/err && grep -q '$T/bad.conf:4: ' $T/err"
check "config error exits 2" sh -c "$NC apply $T/bad.conf 2>/dev/null; [ \$? -eq 2 ]"
check "config error changed nothing" sh -c "[ \"\$($NC diff $T/b.conf)\" = 'no changes' ]"

check "empty file removes everything" sh -c "echo 'groups = ();' | $NC apply - >/dev/null && [ -z \"\$(ls $CFS)\" ]"
check "unbinding resets to default" sh -c "[ \"\$(tr -d '\n' < /proc/$B/numa_policy)\" = default ]"

# watch: a new matching process is bound, and cleaned up when it exits.
echo 'groups = ( { name = "w"; policy = "bind:1"; tasks = ( { comm = "ncwatch"; } ); } );' > "$T/w.conf"
"$NC" watch "$T/w.conf" > "$T/watch.out" 2>&1 &
W=$!
sleep 1
spawn ncwatch; D=$last
sleep 2
check "watch binds a new process" within 20 \
	sh -c "[ -d $CFS/w/tasks/$D ] && [ \"\$(tr -d '\n' < /proc/$D/numa_policy)\" = bind:1 ]"
kill "$D"; wait "$D" 2>/dev/null
sleep 2
check "watch cleans up after exit" within 20 sh -c "[ ! -d $CFS/w/tasks/$D ]"
kill -HUP "$W"
sleep 1
kill -TERM "$W"
wait "$W"
check "watch exits 0 on SIGTERM" [ $? -eq 0 ]
sed 's/^/# watch: /' "$T/watch.out"

echo "1..$n"
[ "$failed" -eq 0 ]
