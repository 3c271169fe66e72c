#!/bin/sh
# SPDX-License-Identifier: MIT
# CPU-bound benchmark: runs build/guests/cpubench.elf in nestvm (and in QEMU TCG when
# qemu-system-x86_64 is installed) and reports guest instructions retired, wall time and
# MIPS. Usage: bench/run.sh [runs]   (build first: make)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
elf=build/guests/cpubench.elf
[ -x build/nestvm ] && [ -f "$elf" ] || { echo "bench: run make first" >&2; exit 2; }

now() { date +%s.%N; }
best=""
for i in $(seq "$runs"); do
	t0=$(now)
	out=$(build/nestvm -kernel "$elf" -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
		-serial none -stats 2>&1) || true
	t1=$(now)
	t=$(echo "$t1 - $t0" | bc)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
insns=$(echo "$out" | awk '/guest instructions/ {print $3}')
echo "nestvm:   $insns guest instructions, best of $runs: ${best}s, $(echo "$insns / $best / 1000000" | bc) MIPS"

if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	qbest=""
	for i in $(seq "$runs"); do
		t0=$(now)
		qemu-system-x86_64 -nographic -no-reboot -accel tcg -cpu max -kernel "$elf" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x4 -serial none >/dev/null 2>&1 || true
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$qbest" ] || [ "$(echo "$t < $qbest" | bc)" = 1 ]; then qbest=$t; fi
	done
	echo "qemu-tcg: best of $runs: ${qbest}s (same guest; QEMU does not count instructions)"
fi
