#!/bin/sh
# SPDX-License-Identifier: MIT
# nestvm's one entry point for a fresh Debian 12 machine (run as root):
#   ./dev.sh demo   install what the build needs, build, run the built-in demo
#   ./dev.sh test   install, build, run every test ring (release, ASan, UBSan builds)
#   ./dev.sh deps   only install the Debian packages
set -u
cd "$(dirname "$0")"

need_pkgs() {
	pkgs="make gcc libc6-dev binutils libzydis-dev"
	# Guest programs are x86 code; elsewhere (arm64) they need the cross toolchain.
	case "$(uname -m)" in
	x86_64) ;;
	*) pkgs="$pkgs gcc-x86-64-linux-gnu binutils-x86-64-linux-gnu" ;;
	esac
	missing=""
	for p in $pkgs; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing$missing" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "dev.sh: missing packages:$missing (run as root to install them)" >&2
		exit 2
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
		{ echo "dev.sh: apt-get install$missing failed" >&2; exit 2; }
}

jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
deps)
	need_pkgs
	;;
demo)
	need_pkgs
	make -s -j"$jobs" build/nestvm guests || exit 2
	exec build/nestvm -stats
	;;
test)
	need_pkgs
	counts=$(mktemp)
	trap 'rm -f "$counts"' EXIT
	for mode in release asan ubsan; do
		echo "== $mode build" >&2
		if ! make -s -j"$jobs" MODE="$mode" CI=true all >/dev/null 2>"$counts.err"; then
			cat "$counts.err" >&2
			echo "FAIL $mode/build"
			echo "0 1 0" >>"$counts"
			continue
		fi
		make -s MODE="$mode" CI=true layering headers || { echo "FAIL $mode/layering-or-headers"; echo "0 1 0" >>"$counts"; }
		COUNTS_FILE=$counts make -s MODE="$mode" CI=true check-run
	done
	rm -f "$counts.err"
	awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$counts"
	;;
*)
	echo "usage: ./dev.sh demo|test|deps" >&2
	exit 2
	;;
esac
