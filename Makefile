# numapol: top-level targets. See README.md.
.PHONY: all test demo stress check series kernel release stock selftests numacfg tree clean help deb deb-test

all: kernel selftests

help:
	@echo "make test     build the debug kernel and run every test in the 4-node VM"
	@echo "make demo     the seed's example on the release kernel in the 4-node VM"
	@echo "make stress   races and fuzzing for minutes on the debug kernel, with figures"
	@echo "make check    checkpatch --strict, W=1, sparse, coccicheck, kernel-doc over our files and hunks"
	@echo "make configs  build 7 configurations (NUMAPOL=n, NUMA=n, MIGRATION=n, ...): no warning from our code"
	@echo "make series   export a git-am-able patch series to out/series"
	@echo "make bisect   build the kernel after each patch of the series (~15 min)"
	@echo "make bench    benchmarks: release vs stock kernel in the 4-node VM (~10 min)"
	@echo "make deb      Debian packages: the -numapol kernel (bindeb-pkg; KCONFIG=/boot/config-\$$(uname -r)"
	@echo "              for a server's own config, default defconfig) and numacfg, in out/deb"
	@echo "make deb-test the packages: numacfg in Debian 12 chroots, the kernel in the 4-node VM"

# KCONFIG=FILE: the kernel's base config (default: defconfig).
deb:
	@scripts/deb.sh all

# The packages of `make deb`: numacfg in Debian 12 chroots, the kernel's
# vmlinuz in the 4-node VM and its package in a chroot.
deb-test:
	@scripts/deb-test.sh all

.PHONY: bench
bench:
	@scripts/bench.sh

test:
	@tests/run-all

demo:
	@mkdir -p out
	@echo "demo: building the release kernel (log: out/build-release.log)"
	@scripts/kbuild.sh release >out/build-release.log 2>&1 || { tail -30 out/build-release.log; exit 1; }
	@scripts/build-selftests.sh release
	@tests/vm/run --kernel release --nodes 4 --append quiet -- /usr/lib/numapol/demo; \
	rc=$$?; [ $$rc -eq 0 ] || echo "demo: failed ($$rc)"; exit $$rc

stress:
	@scripts/stress.sh

check:
	@scripts/check.sh

# The config matrix: 7 kernels, each in its own out/build-<name> (85 min cold
# on 2 shared cores, then ~2 min).
.PHONY: configs
configs:
	@scripts/configs.sh

series:
	@scripts/series.sh out/series

.PHONY: bisect
bisect:
	@scripts/bisect-build.sh

# Build check: CONFIG_MODULES=y, KUNIT_ALL_TESTS=m, CONFIGFS_FS=m (~8 min).
.PHONY: modules-check
modules-check:
	@mkdir -p out
	@scripts/kbuild.sh modules >out/build-modules.log 2>&1 || { tail -30 out/build-modules.log; exit 1; }
	@! grep -n "warning:" out/build-modules.log
	@echo "modules-check: built (out/build-modules.log)"

tree:
	@scripts/tree.sh

kernel:
	@scripts/kbuild.sh debug

release:
	@scripts/kbuild.sh release

stock:
	@scripts/kbuild.sh stock

selftests: kernel
	@scripts/build-selftests.sh debug

numacfg:
	@$(MAKE) -C tools/numacfg

clean:
	rm -rf out
