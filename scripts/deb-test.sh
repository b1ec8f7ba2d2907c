#!/bin/bash
# shellcheck disable=SC2016 # dpkg-query's ${Field} formats, in single quotes
# Tests of the packages `make deb` builds (`make deb-test`):
#
#   scripts/deb-test.sh [numacfg|kernel|all]     (default: all)
#
#   numacfg  in Debian 12 chroots (debootstrap --variant=minbase, cached in
#            out/deb/chroot-bookworm.tar): the numacfg package installs,
#            its unit passes `systemd-analyze verify` and is not enabled;
#            upgrades keep an edited /etc/numacfg.conf (unchanged and
#            changed in the package: .dpkg-dist), replace an unedited one,
#            keep the unit enabled; remove keeps the conffile, purge leaves
#            no file behind (the file lists before and after are compared).
#            The packages are built for the test (1.0 and 1.0+1 with
#            scripts/deb.sh, 1.0+2 repacked from 1.0+1 with a changed
#            conffile) in a temporary directory, not in out/deb.
#   kernel   the linux-image .deb in out/deb (scripts/deb.sh kernel): its
#            vmlinuz boots in the 4-node VM (tests/vm/run --image), which
#            runs a smoke subset of the suite (tests/guest/deb-smoke) with
#            selftests built against the package's own uapi headers; then
#            the image package installs (initramfs-tools makes its initrd),
#            and purges, in a chroot.
#
# Prints one "ok"/"not ok" line a check and ends "N passed, N failed".
# DEB_MIRROR: the Debian mirror for debootstrap (default: the host's).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${NUMAPOL_OUT:-$top/out}
debdir=$out/deb
what=${1:-all}
case "$what" in numacfg|kernel|all) ;; *) echo "usage: $0 [numacfg|kernel|all]" >&2; exit 2 ;; esac
"$top/scripts/deps.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/numapol-deb-test.XXXXXX")
mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
nok() { fail=$((fail + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: COMMAND's success is the check's.
check() {
	local what=$1 o
	shift
	if o=$("$@" 2>&1); then ok "$what"; else nok "$what"; printf '%s\n' "$o" | sed 's/^/#   /' | tail -15; fi
}

# A base Debian 12 chroot, debootstrapped once and kept as a tarball.
mirror() {
	[ -z "${DEB_MIRROR:-}" ] || { echo "$DEB_MIRROR"; return; }
	local m
	m=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $2 ~ /^http.*\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}
base_tar=$debdir/chroot-bookworm.tar
base_chroot() {
	[ -s "$base_tar" ] && return 0
	mkdir -p "$debdir"
	local m dir=$work/debootstrap
	m=$(mirror)
	echo "# debootstrap bookworm from $m (once; cached in ${base_tar#"$top"/})"
	# systemd for systemctl and systemd-analyze (which runs man(1) for the
	# unit's Documentation=); numacfg's dependencies, so that the packages
	# install without the network; initramfs-tools, kmod and zstd for the
	# kernel package's initrd.
	debootstrap --variant=minbase \
		--include=systemd,procps,man-db,libconfig9,libsmartcols1,initramfs-tools,kmod,zstd \
		bookworm "$dir" "$m" > "$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log" >&2; exit 1; }
	tar -C "$dir" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
	rm -rf --one-file-system "$dir"
}
# new_root NAME: root=a fresh chroot from the base, /proc mounted.
new_root() {
	root=$work/$1
	mkdir -p "$root"
	tar -C "$root" -xf "$base_tar"
	mount -t proc proc "$root/proc"
	mounts+=("$root/proc")
}
inroot() { local r=$1; shift; DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 chroot "$r" "$@"; }
# Every file but the package database, apt's and the logs.
files_of() {
	(cd "$1" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log \) -prune -o -print | LC_ALL=C sort)
}
apt_install() {
	local r=$1; shift
	inroot "$r" apt-get install -y -q -o Dpkg::Use-Pty=0 \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

numacfg_tests() {
	local arch v1=1.0 v2=1.0+1 v3=1.0+2 b
	arch=$(dpkg --print-architecture)
	echo "# numacfg: building $v1 and $v2 (scripts/deb.sh numacfg), $v3 (conffile changed)"
	NUMAPOL_OUT=$work/o1 "$top/scripts/deb.sh" numacfg 2>&1 | sed 's/^/# /'
	NUMAPOL_OUT=$work/o2 NUMACFG_DEB_VERSION=$v2 "$top/scripts/deb.sh" numacfg 2>&1 | sed 's/^/# /'
	local d1=$work/o1/deb/numacfg_${v1}_$arch.deb d2=$work/o2/deb/numacfg_${v2}_$arch.deb
	local d3=$work/numacfg_${v3}_$arch.deb
	# 1.0+2: 1.0+1 with a line added to the shipped /etc/numacfg.conf.
	dpkg-deb -R "$d2" "$work/p3"
	echo '# (changed in 1.0+2)' >> "$work/p3/etc/numacfg.conf"
	sed -i "s/^Version: .*/Version: $v3/" "$work/p3/DEBIAN/control"
	(cd "$work/p3" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print |
		sed 's|^\./||' | LC_ALL=C sort | xargs md5sum > DEBIAN/md5sums)
	dpkg-deb --root-owner-group -b "$work/p3" "$d3" >/dev/null
	for b in "$d1" "$d2" "$d3"; do [ -s "$b" ] || { nok "package $b built"; return; }; done

	base_chroot
	local r before after
	new_root s1
	r=$root
	cp "$d1" "$d2" "$d3" "$r/tmp/"
	before=$(files_of "$r")

	echo "# install $v1 (apt-get install ./numacfg_${v1}_$arch.deb in a bookworm chroot)"
	check "install $v1" apt_install "$r" "/tmp/${d1##*/}"
	check "status installed $v1" test "$(inroot "$r" dpkg-query -W -f='${Status} ${Version}' numacfg)" = "install ok installed $v1"
	check "dpkg --verify numacfg is clean" sh -c "o=\$(chroot '$r' dpkg --verify numacfg 2>&1) && [ -z \"\$o\" ]"
	check "dpkg --audit is clean" test -z "$(inroot "$r" dpkg --audit)"
	check "numacfg --version runs" inroot "$r" /usr/sbin/numacfg --version
	for f in /usr/sbin/numacfg /usr/share/man/man8/numacfg.8.gz /usr/share/man/man5/numacfg.conf.5.gz \
		/usr/share/bash-completion/completions/numacfg /lib/systemd/system/numacfg-watch.service \
		/usr/share/doc/numacfg/numacfg.conf.example /usr/share/doc/numacfg/copyright /etc/numacfg.conf; do
		check "installed $f" test -f "$r$f"
	done
	check "/etc/numacfg.conf is a conffile" sh -c "chroot '$r' dpkg-query -W -f='\${Conffiles}' numacfg | grep -q '^ /etc/numacfg.conf '"
	check "the unit is installed disabled" test "$(inroot "$r" systemctl is-enabled numacfg-watch.service 2>&1)" = disabled
	check "systemd-analyze verify numacfg-watch.service" inroot "$r" systemd-analyze verify /lib/systemd/system/numacfg-watch.service
	check "numacfg check /etc/numacfg.conf (as shipped)" inroot "$r" /usr/sbin/numacfg check /etc/numacfg.conf

	echo "# the administrator edits /etc/numacfg.conf and enables the unit"
	echo '# edited by the administrator' >> "$r/etc/numacfg.conf"
	local edited
	edited=$(md5sum < "$r/etc/numacfg.conf")
	check "systemctl enable numacfg-watch.service" inroot "$r" systemctl enable numacfg-watch.service

	echo "# upgrade to $v2 (its conffile unchanged)"
	check "upgrade $v1 -> $v2" apt_install "$r" "/tmp/${d2##*/}"
	check "status installed $v2" test "$(inroot "$r" dpkg-query -W -f='${Status} ${Version}' numacfg)" = "install ok installed $v2"
	check "edited conffile kept on $v2" test "$(md5sum < "$r/etc/numacfg.conf")" = "$edited"
	check "no .dpkg-* file after $v2" test -z "$(ls "$r"/etc/numacfg.conf.* 2>/dev/null)"
	check "the unit still enabled after $v2" test "$(inroot "$r" systemctl is-enabled numacfg-watch.service 2>&1)" = enabled

	echo "# upgrade to $v3 (its conffile changed too; --force-confold, as apt-get -y with confdef/confold)"
	check "upgrade $v2 -> $v3" apt_install "$r" "/tmp/${d3##*/}"
	check "edited conffile kept on $v3" test "$(md5sum < "$r/etc/numacfg.conf")" = "$edited"
	check "the package's new conffile is /etc/numacfg.conf.dpkg-dist" grep -qx '# (changed in 1.0+2)' "$r/etc/numacfg.conf.dpkg-dist"
	check "the unit still enabled after $v3" test "$(inroot "$r" systemctl is-enabled numacfg-watch.service 2>&1)" = enabled

	echo "# remove, then purge"
	check "apt-get remove numacfg" inroot "$r" apt-get remove -y -q -o Dpkg::Use-Pty=0 numacfg
	check "status config-files after remove" test "$(inroot "$r" dpkg-query -W -f='${Status}' numacfg)" = "deinstall ok config-files"
	check "binary gone after remove" test ! -e "$r/usr/sbin/numacfg"
	check "conffile kept after remove" test "$(md5sum < "$r/etc/numacfg.conf")" = "$edited"
	check "apt-get purge numacfg" inroot "$r" apt-get purge -y -q -o Dpkg::Use-Pty=0 numacfg
	check "not installed after purge" sh -c "! chroot '$r' dpkg-query -W -f='\${Status}' numacfg 2>/dev/null | grep -q installed"
	after=$(files_of "$r")
	check "purge leaves no file behind (file list as before install)" diff <(echo "$before") <(echo "$after")

	echo "# a fresh chroot: install $v1, upgrade to $v3 with the conffile unedited, purge"
	new_root s2
	r=$root
	cp "$d1" "$d3" "$r/tmp/"
	before=$(files_of "$r")
	check "install $v1" apt_install "$r" "/tmp/${d1##*/}"
	check "upgrade $v1 -> $v3" apt_install "$r" "/tmp/${d3##*/}"
	check "unedited conffile replaced by $v3's" grep -qx '# (changed in 1.0+2)' "$r/etc/numacfg.conf"
	check "no .dpkg-* file after $v3" test -z "$(ls "$r"/etc/numacfg.conf.* 2>/dev/null)"
	check "dpkg -P numacfg" inroot "$r" dpkg -P numacfg
	after=$(files_of "$r")
	check "purge leaves no file behind" diff <(echo "$before") <(echo "$after")
}

kernel_tests() {
	local img rel f x=$work/kpkg
	img=""
	for f in "$debdir"/linux-image-*-numapol_*.deb; do
		case "$f" in *-dbg_*) ;; *) [ -e "$f" ] && img=$f ;; esac
	done
	[ -n "$img" ] || { nok "a linux-image-*-numapol .deb in ${debdir#"$top"/} (run make deb)"; return; }
	echo "# ${img#"$top"/}"
	dpkg-deb -x "$img" "$x"
	rel=$(find "$x/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//')
	check "the package has /boot/vmlinuz-$rel" test -s "$x/boot/vmlinuz-$rel"
	check "the package's config has CONFIG_NUMAPOL=y, CONFIG_NUMAPOL_CONFIGFS=y" \
		sh -c "grep -qx CONFIG_NUMAPOL=y '$x/boot/config-$rel' && grep -qx CONFIG_NUMAPOL_CONFIGFS=y '$x/boot/config-$rel'"

	# Selftests against the uapi headers of the kernel's own build, into
	# $work/o (the VM's initramfs takes them from there), from the same
	# assembled tree; numacfg for the VM too.
	mkdir -p "$work/o"
	ln -s "$out/pristine" "$work/o/pristine"
	ln -s "$out/linux" "$work/o/linux"
	NUMAPOL_OUT=$work/o NUMAPOL_KHDR=$debdir/build/usr/include "$top/scripts/build-selftests.sh" >/dev/null 2>"$work/st.log" ||
		{ nok "selftests built"; sed 's/^/#   /' "$work/st.log" | tail -10; return; }
	make -s -C "$top/tools/numacfg" >/dev/null
	echo "# booting vmlinuz-$rel in the 4-node VM (tests/vm/run --image), smoke tests"
	local rc=0
	NUMAPOL_OUT=$work/o "$top/tests/vm/run" --image "$x/boot/vmlinuz-$rel" --nodes 4 --timeout 900 \
		--output "$work/smoke.txt" -- /usr/lib/numapol/deb-smoke "$rel" > "$work/console.log" 2>&1 || rc=$?
	cp "$work/console.log" "$debdir/deb-smoke-console.log"
	grep -m1 '^\[ *[0-9.]*\] Linux version' "$work/console.log" | sed 's/^/# /' || true
	sed 's/^/#   /' "$work/smoke.txt" 2>/dev/null || true
	if [ "$rc" -eq 0 ]; then
		ok "the VM booted vmlinuz-$rel and the smoke tests passed"
	else
		nok "the VM booted vmlinuz-$rel and the smoke tests passed (tests/vm/run: $rc; console in ${debdir#"$top"/}/deb-smoke-console.log)"
		tail -25 "$work/console.log" | sed 's/^/#   /'
	fi

	base_chroot
	local r
	new_root k1
	r=$root
	cp "$img" "$r/tmp/"
	echo "# apt-get install ./${img##*/} in a bookworm chroot (initramfs-tools makes the initrd)"
	check "install ${img##*/}" apt_install "$r" "/tmp/${img##*/}"
	check "/boot/vmlinuz-$rel installed" test -s "$r/boot/vmlinuz-$rel"
	check "/boot/initrd.img-$rel made" test -s "$r/boot/initrd.img-$rel"
	check "modules.dep for $rel" test -s "$r/lib/modules/$rel/modules.dep"
	check "apt-get purge the image" inroot "$r" apt-get purge -y -q -o Dpkg::Use-Pty=0 "$(dpkg-deb -f "$img" Package)"
	check "/boot and /lib/modules/$rel clean after purge" \
		sh -c "! ls '$r'/boot/*-$rel '$r/lib/modules/$rel' 2>/dev/null | grep -q ."
}

case "$what" in
numacfg) numacfg_tests ;;
kernel) kernel_tests ;;
all) numacfg_tests; kernel_tests ;;
esac
echo "deb-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
