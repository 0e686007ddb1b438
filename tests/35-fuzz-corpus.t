#!/bin/bash
# The fuzz targets (tests/fuzz/, run by `make fuzz`) replayed on their
# seed corpora, built with the C compiler and AddressSanitizer instead of
# libFuzzer: the targets compile, and every seed (valid maps, broken
# maps, CSV in every dialect corner) passes their checks.
. "$(dirname "$0")/lib.sh"

flags="-std=c11 -D_GNU_SOURCE -g -O1 -I$top/lib $(pkg-config --cflags libpq uuid libxxhash 2>/dev/null)"
libs="$(pkg-config --libs libpq uuid libxxhash 2>/dev/null) -lcsv -lm"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
echo 'int main(void) { return 0; }' > "$work/probe.c"
cc $sanitize -o "$work/probe" "$work/probe.c" 2>/dev/null || sanitize=

for target in keymap_open csv_read; do
	if cc $flags $sanitize -o "$work/$target" "$top/tests/fuzz/$target.c" "$top/tests/fuzz/replay/replay.c" "$top"/lib/*.c $libs 2>"$work/cc.err"; then
		pass "$target: the fuzz target builds${sanitize:+ with ASan and UBSan}"
	else
		fail "$target: the fuzz target builds" "$(head -20 "$work/cc.err")"
		continue
	fi
	seeds=("$top/tests/fuzz/corpus/$target"/*)
	if ASAN_OPTIONS=detect_leaks=1 "$work/$target" "${seeds[@]}" >"$work/replay.out" 2>&1; then
		pass "$target: all ${#seeds[@]} seeds pass"
	else
		fail "$target: all ${#seeds[@]} seeds pass" "$(head -30 "$work/replay.out")"
	fi
done

# Seeds made here: every truncation of a map, and CSV fed one byte at a time.
printf 'id,uuid\n1,00000001-0000-4000-8000-000000000001\n2,00000002-0000-4000-8000-000000000002\n' |
	ferry-keymap build -o "$work/two.map" 2>/dev/null
size=$(stat -c %s "$work/two.map")
for ((cut = 0; cut <= size; cut++)); do head -c "$cut" "$work/two.map" > "$work/cut-$cut"; done
if "$work/keymap_open" "$work"/cut-* >"$work/replay.out" 2>&1; then
	pass "keymap_open: the map cut at each of its $size bytes"
else
	fail "keymap_open: the map cut at each of its $size bytes" "$(head -30 "$work/replay.out")"
fi
printf '\000h1,h2\r\n"a\r\nb",""\r\n,\r\n\r\n' > "$work/bytewise.csv"
printf '\000h1,h2\n"a\nb",""\n,\n' > "$work/bytewise-lf.csv"
if "$work/csv_read" "$work"/bytewise*.csv >"$work/replay.out" 2>&1; then
	pass "csv_read: CRLF and quoted line ends, fed a byte at a time"
else
	fail "csv_read: CRLF and quoted line ends, fed a byte at a time" "$(head -30 "$work/replay.out")"
fi

done_testing
