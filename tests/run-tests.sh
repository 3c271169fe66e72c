#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the rings of tests for one build MODE (DESIGN.md "Testing, in three rings"):
# unit tests, then guest tests, each printing PASS/FAIL/SKIP lines prefixed by the mode.
# Usage (from `make check`): NESTVM=… UNIT_BIN=… MODE=… sh tests/run-tests.sh
# Counts are appended to $COUNTS_FILE (when set) as "passed failed skipped".
set -u
mode=${MODE:-release}
nestvm=${NESTVM:-build/nestvm}
unit=${UNIT_BIN:-build/$mode/unit-tests}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$unit" >"$out" 2>&1
unit_status=$?
sed -n 's/^\(PASS\|FAIL\|SKIP\) /\1 '"$mode"'\//p; s/^  /  /p' "$out"
if [ $unit_status -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
	# The binary died (a sanitizer report, a crash): that is a failure of its own.
	echo "FAIL $mode/unit (unit-test binary exited with status $unit_status)"
	tail -n 20 "$out" | sed 's/^/    /'
	echo "FAIL unit-binary" >>"$out"
fi
sh tests/run-guests.sh "$nestvm" >"$out.g" 2>&1
sed 's/^\(PASS\|FAIL\|SKIP\) /\1 '"$mode"'\//' "$out.g"
cat "$out.g" >>"$out"
rm -f "$out.g"

p=$(grep -c '^PASS ' "$out")
f=$(grep -c '^FAIL ' "$out")
s=$(grep -c '^SKIP ' "$out")
[ -n "${COUNTS_FILE:-}" ] && echo "$p $f $s" >>"$COUNTS_FILE"
echo "$mode: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
