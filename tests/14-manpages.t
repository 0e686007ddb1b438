#!/bin/bash
# Every program has a man page whose SYNOPSIS names every option its usage
# names, and which documents its exit statuses and gives examples.
. "$(dirname "$0")/lib.sh"

for program in "$top"/bin/ferry-*; do
	name=$(basename "$program")
	page=$(ls "$top"/*/"$name.1" 2>/dev/null | head -1)
	if [ -z "$page" ]; then
		fail "$name has a man page"
		continue
	fi
	pass "$name has a man page ($page)"
	usage=$("$program" --help 2>&1)
	synopsis=$(MANWIDTH=200 man -l "$page" 2>/dev/null | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')
	missing=
	for option in $(printf '%s\n' "$usage" | grep -oE -- '--?[a-z][a-z-]*' | sort -u); do
		printf '%s' "$synopsis" | grep -qF -- "$option" || missing="$missing $option"
	done
	is "$missing" "" "$name: the SYNOPSIS names every option of its usage"
	like "$(man -l "$page" 2>/dev/null)" "EXIT STATUS" "$name: the page documents its exit statuses"
	like "$(man -l "$page" 2>/dev/null)" "EXAMPLES" "$name: the page gives examples"
done
done_testing
