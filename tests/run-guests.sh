#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the guest tests of guests/tests.cfg (STYLE.md 8) and print one line per test:
#   PASS guest/NAME | FAIL guest/NAME (reason: ...) | SKIP guest/NAME
# Usage: tests/run-guests.sh [NESTVM_BINARY] [NAME...]
#   QEMU=1         run under qemu-system-x86_64 (TCG, -cpu max) instead of nestvm
#   GROUP=name     run only the tests in that group
# Serial logs go to build/guest-logs/NAME.log. Exit status is 1 if any test failed.
# A guest reports through isa-debug-exit: status 1 = success, 3 = failure, 77 = all skipped.

set -u

nestvm=${1:-${NESTVM:-build/nestvm}}
[ $# -gt 0 ] && shift
only="$*"
cfg=guests/tests.cfg
elfdir=build/guests
logdir=build/guest-logs
group=${GROUP:-}
mkdir -p "$logdir"

if [ "${QEMU:-0}" = 1 ]; then
	vmm="${QEMU_BINARY:-qemu-system-x86_64} -nographic -no-reboot -cpu max -accel tcg"
	serial=""
else
	if [ ! -x "$nestvm" ]; then
		echo "run-guests: $nestvm: no such executable (build it, or use QEMU=1)" >&2
		exit 2
	fi
	vmm="$nestvm"
	serial="-serial stdio"
fi

passed=0 failed=0 skipped=0

run_one() {
	name=$1 file=$2 params=$3 timeout=$4 groups=$5
	[ -n "$name" ] || return 0
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) return 0 ;; esac
	fi
	if [ -n "$group" ]; then
		case " $groups " in *" $group "*) ;; *) return 0 ;; esac
	fi
	log=$logdir/$name.log
	if [ ! -f "$elfdir/$file" ]; then
		echo "FAIL guest/$name (reason: $elfdir/$file not built)"
		failed=$((failed + 1))
		return 0
	fi
	# shellcheck disable=SC2086
	timeout -k 2 "${timeout:-30}" $vmm -kernel "$elfdir/$file" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x4 $serial $params \
		</dev/null >"$log" 2>&1
	status=$?
	nfail=$(grep -c '^FAIL:' "$log")
	reason=""
	case $status in
	1) if [ "$nfail" -gt 0 ]; then
		reason="$nfail FAIL lines: $(grep -m1 '^FAIL:' "$log")"
	   elif ! grep -q '^SUMMARY:' "$log"; then
		# nestvm itself exits 1 on a usage error: only a guest's summary makes 1 a pass.
		reason="exit status 1 without a SUMMARY line"
	   fi ;;
	77) [ "$nfail" -gt 0 ] && reason="$nfail FAIL lines" ;;
	124|137) reason="timeout after ${timeout:-30}s" ;;
	*) reason="exit status $status"
	   [ "$nfail" -gt 0 ] && reason="$reason, $nfail FAIL lines: $(grep -m1 '^FAIL:' "$log")" ;;
	esac
	if [ -n "$reason" ]; then
		echo "FAIL guest/$name (reason: $reason)"
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/    /'
		failed=$((failed + 1))
	elif [ "$status" = 77 ]; then
		echo "SKIP guest/$name"
		skipped=$((skipped + 1))
	else
		echo "PASS guest/$name"
		passed=$((passed + 1))
	fi
}

name="" file="" params="" timeout="" groups=""
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'#'*|'') continue ;;
	'['*']')
		run_one "$name" "$file" "$params" "$timeout" "$groups"
		name=${line#[}; name=${name%]}
		file="$name.elf" params="" timeout="" groups=""
		continue ;;
	esac
	key=$(printf '%s' "${line%%=*}" | tr -d ' \t')
	val=$(printf '%s' "${line#*=}" | sed 's/^[ \t]*//; s/[ \t]*$//')
	case $key in
	file) file=$val ;;
	extra_params) params=$val ;;
	timeout) timeout=$val ;;
	groups) groups=$val ;;
	esac
done < "$cfg"
run_one "$name" "$file" "$params" "$timeout" "$groups"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
