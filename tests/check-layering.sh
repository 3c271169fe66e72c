#!/bin/sh
# DESIGN.md "Rule of the house": hw/ includes only hw/ and util/; nothing includes cli/.
bad=0
for f in $(find src/hw -name '*.[ch]'); do
	if grep -nE '#include "(l0|dev|boot|cli)/' "$f"; then
		echo "layering: $f reaches above hw/" >&2; bad=1
	fi
done
for f in $(find src -name '*.[ch]' -not -path 'src/cli/*'); do
	if grep -nE '#include "cli/' "$f"; then
		echo "layering: $f includes cli/" >&2; bad=1
	fi
done
exit $bad
