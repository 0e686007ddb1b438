#!/bin/bash
# ferry-keymap: build, get, info, dump.  Int and text keys, duplicates
# (same UUID kept once, two UUIDs refused naming both lines), malformed
# keys and UUIDs, the file written whole and private, and a layout that
# depends only on the pairs, never on their order.
. "$(dirname "$0")/lib.sh"

# uuid N: a UUID made from the number N.
uuid() { printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"; }

# pairs N: a CSV of keys 1..N and their UUIDs.
pairs() {
	awk -v n="$1" 'BEGIN { print "id,uuid"
		for (i = 1; i <= n; i++)
			printf "%d,%08x-0000-4000-8000-%012x\n", i, i, i }'
}

cd "$work" || exit 1

# --- int keys ---------------------------------------------------------
pairs 1000 > ints.csv
ok "an int map builds from (key, uuid) rows" sh -c 'ferry-keymap build -o ints.map < ints.csv'
like "$(cat .out)" "^ferry-keymap: ints.map: 1000 keys from 1000 rows$" "the build reports what it wrote"
is "$(stat -c %a ints.map)" 600 "the map is private (mode 0600)"
is "$(ls -A)" "$(printf '.out\nints.csv\nints.map')" "no temporary file is left beside it"

is "$(ferry-keymap get ints.map 1 500 1000)" "$(uuid 1; uuid 500; uuid 1000)" \
	"get prints each key's UUID, a line each"
exits 1 "a key the map lacks: exit 1" ferry-keymap get ints.map 7 1001 8
is "$(cat stdout)" "$(uuid 7; echo; uuid 8)" "an absent key is an empty line, the others still answered"
is "$(cat stderr)" "ferry-keymap: no key 1001 in ints.map" "and a message names it"
is "$(ferry-keymap get ints.map 007)" "$(uuid 7)" "int keys are numbers: 007 is 7"
exits 2 "a non-integer key asked of an int map: exit 2" ferry-keymap get ints.map 12x
like "$(cat stderr)" 'key "12x" is not an integer; ints.map has int64 keys' "the message says why"

info=$(ferry-keymap info ints.map)
like "$info" "^file: ints.map$" "info names the file"
like "$info" "keys: int64" "info gives the key kind"
like "$info" "entries: 1000$" "info counts the entries"
like "$info" "slots: 1501$" "a table of 1.5 slots per key (load at most 2/3)"
like "$info" "bytes: $(stat -c %s ints.map)$" "info gives the file's size"
like "$info" "checksum: xxh3-64:[0-9a-f]{16} verified" "info says the checksum was verified"

ferry-keymap dump ints.map > dump.csv
is "$(head -1 dump.csv)" "key,uuid" "dump writes CSV with a header"
is "$(tail -n +2 dump.csv | sort -t, -k1n)" "$(tail -n +2 ints.csv)" "dump gives back every pair"

ferry-keymap build -o again.map < dump.csv 2>/dev/null
same_file "a dump built again gives the same bytes" ints.map again.map
(head -1 ints.csv; tail -n +2 ints.csv | shuf --random-source=ints.csv) > shuffled.csv
ferry-keymap build -o shuffled.map < shuffled.csv 2>/dev/null
same_file "the same pairs in another order give the same bytes" ints.map shuffled.map

# Duplicates.
(pairs 3; echo "2,$(uuid 2)"; echo "0002,$(uuid 2)") > dup.csv
ok "a key given twice with the same UUID builds" sh -c 'ferry-keymap build -o dup.map < dup.csv'
like "$(cat .out)" "3 keys from 5 rows" "and is kept once"
(pairs 3; echo "4,$(uuid 4)"; echo "2,$(uuid 9)") > conflict.csv
exits 3 "a key with two different UUIDs: exit 3" sh -c 'ferry-keymap build -o conflict.map < conflict.csv'
is "$(cat stderr)" "ferry-keymap: stdin:6: key 2 has two UUIDs: $(uuid 2) on line 3, $(uuid 9) on line 6" \
	"the message names the key, both UUIDs and both lines"
[ ! -e conflict.map ] && [ -z "$(ls | grep conflict.map)" ] && pass "a failed build leaves no file, temporary or final" || \
	fail "a failed build leaves no file, temporary or final" "$(ls)"
cp ints.map keep.map
exits 3 "a failed rebuild: exit 3" sh -c 'ferry-keymap build -o keep.map < conflict.csv'
same_file "a failed rebuild leaves the old map as it was" ints.map keep.map

# Boundaries of int64.
printf 'id,uuid\n9223372036854775807,%s\n-9223372036854775808,%s\n0,%s\n-1,%s\n' \
	"$(uuid 1)" "$(uuid 2)" "$(uuid 3)" "$(uuid 4)" > edges.csv
ok "int64's whole range builds" sh -c 'ferry-keymap build -o edges.map < edges.csv'
is "$(ferry-keymap get edges.map 9223372036854775807 -9223372036854775808 0 -1)" \
	"$(uuid 1; uuid 2; uuid 3; uuid 4)" "the extremes, zero and negatives are found"

# bad_row NAME ROW PATTERN: one bad row after a good one, exit 3.
bad_row() {
	printf 'id,uuid\n1,%s\n%s\n' "$(uuid 1)" "$2" > bad.csv
	exits 3 "$1: exit 3" sh -c 'ferry-keymap build -o bad.map < bad.csv'
	like "$(cat stderr)" "$3" "$1: the message gives line, record and what"
}
bad_row "a text key in an int map" "abc,$(uuid 2)" '^ferry-keymap: stdin:3: record 2: key "abc" is not a 64-bit integer'
bad_row "a key past int64" "9223372036854775808,$(uuid 2)" 'stdin:3: record 2: key "9223372036854775808" is not'
bad_row "a key with a plus sign" "+2,$(uuid 2)" 'stdin:3: record 2: key "\+2" is not'
bad_row "a key with a space" " 2,$(uuid 2)" 'stdin:3: record 2: key " 2" is not'
bad_row "a decimal key" "2.0,$(uuid 2)" 'stdin:3: record 2: key "2.0" is not'
bad_row "an empty-string key" "\"\",$(uuid 2)" 'stdin:3: record 2: key "" is not'
bad_row "a NULL key" ",$(uuid 2)" 'stdin:3: record 2: the key is NULL'
bad_row "a malformed UUID" "2,not-a-uuid" 'stdin:3: record 2: not-a-uuid is not a UUID'
bad_row "a UUID one digit short" "2,$(uuid 2 | cut -c2-)" 'stdin:3: record 2: .* is not a UUID'
bad_row "a NULL UUID" "2," 'stdin:3: record 2: NULL is not a UUID'
bad_row "the nil UUID" "2,00000000-0000-0000-0000-000000000000" 'stdin:3: record 2: the nil UUID cannot be'
bad_row "a ragged row" "2,$(uuid 2),x" 'stdin:3: record 2: 3 fields, the header has 2'

printf 'id,uuid\n1,%s\n' "$(uuid 1 | tr a-f A-F)" > upper.csv
ferry-keymap build -o upper.map < upper.csv 2>/dev/null
is "$(ferry-keymap get upper.map 1)" "$(uuid 1)" "upper-case UUIDs are read; UUIDs are printed in lower case"

echo "id,uuid" > empty.csv
ok "a header alone builds an empty map" sh -c 'ferry-keymap build -o empty.map < empty.csv'
like "$(ferry-keymap info empty.map)" "entries: 0" "with no entries"
exits 1 "in which every key is absent" ferry-keymap get empty.map 1
is "$(ferry-keymap dump empty.map)" "key,uuid" "and whose dump is its header"

# The bytes of a one-key map, as docs/keymap-format.md shows them.
printf 'id,uuid\n7,6ba7b810-9dad-11d1-80b4-00c04fd430c8\n' | ferry-keymap build -o one.map 2>/dev/null
is "$(od -A d -t x1 one.map)" "0000000 46 45 52 52 59 4d 41 50 01 00 00 00 01 00 00 00
0000016 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
0000032 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
0000048 15 1f 50 73 2e df d0 83 bf 3b 6d a6 8c 3d cf 36
0000064 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
0000080 00 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00
0000096 6b a7 b8 10 9d ad 11 d1 80 b4 00 c0 4f d4 30 c8
0000112" "a one-key map is byte for byte the example of docs/keymap-format.md"

# --- text keys --------------------------------------------------------
cat > text.csv <<CSV
username,uuid
alice,$(uuid 1)
"o'brien, j",$(uuid 2)
"say ""hi""",$(uuid 3)
"",$(uuid 4)
 alice,$(uuid 5)
alice ,$(uuid 6)
zoë,$(uuid 7)
"two
lines",$(uuid 8)
123,$(uuid 9)
CSV
ok "a text map builds" sh -c 'ferry-keymap build --text -o text.map < text.csv'
like "$(ferry-keymap info text.map)" "keys: text" "info gives the text kind"
is "$(ferry-keymap get text.map alice "o'brien, j" 'say "hi"' '' ' alice' 'alice ' zoë "$(printf 'two\nlines')" 123)" \
	"$(for i in 1 2 3 4 5 6 7 8 9; do uuid $i; done)" \
	"text keys are matched byte for byte: commas, quotes, the empty string, spaces, UTF-8, newlines"
exits 1 "a text key differing only in case is absent" ferry-keymap get text.map Alice
is "$(ferry-keymap dump text.map | ferry-keymap build --text -o text2.map 2>&1)" \
	"ferry-keymap: text2.map: 9 keys from 9 rows" "a text dump builds again"
same_file "into the same bytes" text.map text2.map
(printf 'k,u\nsame,%s\nother,%s\nsame,%s\n' "$(uuid 1)" "$(uuid 2)" "$(uuid 3)") > tconflict.csv
exits 3 "a text key with two UUIDs: exit 3" sh -c 'ferry-keymap build --text -o t.map < tconflict.csv'
like "$(cat stderr)" "stdin:4: key \"same\" has two UUIDs: $(uuid 1) on line 2, $(uuid 3) on line 4" \
	"the message names the text key and both lines"

# --- choosing columns -------------------------------------------------
printf 'name,legacy_user_id,extra,id\nann,42,x,%s\nbob,43,y,%s\n' "$(uuid 42)" "$(uuid 43)" > wide.csv
ok "--key and --value name the columns" sh -c 'ferry-keymap build -o wide.map --key legacy_user_id --value id < wide.csv'
is "$(ferry-keymap get wide.map 42 43)" "$(uuid 42; uuid 43)" "the named columns were used"
exits 2 "--key naming no column: exit 2" sh -c 'ferry-keymap build -o w.map --key nope --value id < wide.csv'
like "$(cat stderr)" 'stdin: no column "nope" in the header' "the message names the column"

# --- usage ------------------------------------------------------------
exits 2 "no subcommand: exit 2" ferry-keymap
like "$(cat stderr)" "^usage: ferry-keymap build -o FILE.map" "the usage is printed"
exits 2 "an unknown subcommand: exit 2" ferry-keymap frobnicate x.map
exits 2 "build without -o: exit 2" sh -c 'ferry-keymap build < ints.csv'
exits 2 "--key without --value: exit 2" sh -c 'ferry-keymap build -o x.map --key id < ints.csv'
exits 2 "get without a key: exit 2" ferry-keymap get ints.map
exits 5 "a map that does not exist: exit 5" ferry-keymap info nothing-here.map
like "$(cat stderr)" "^ferry-keymap: nothing-here.map: No such file" "the message names the file"
exits 5 "an output folder that does not exist: exit 5" sh -c 'ferry-keymap build -o no/such/dir.map < ints.csv'
printf 'id,uuid\n1,"x\n' > unterminated.csv
exits 3 "malformed CSV: exit 3" sh -c 'ferry-keymap build -o x.map < unterminated.csv'
like "$(cat stderr)" "stdin:2: record 1: unterminated quoted field" "the CSV reader's message"

# --- a bigger map: long probe runs still find every key ---------------
pairs 200000 > big.csv
ferry-keymap build -o big.map < big.csv 2>/dev/null
keys=$(seq 1 997 200000 | tr '\n' ' ')
is "$(ferry-keymap get big.map $keys)" "$(printf '%08x-0000-4000-8000-%012x\n' $(for k in $keys; do echo "$k $k"; done))" "200,000 keys: a sample is found"
exits 1 "and keys past the end are absent" ferry-keymap get big.map 0 200001 -5 9000000000
is "$(ferry-keymap dump big.map | tail -n +2 | wc -l)" 200000 "dump gives all 200,000"

# synopsis FILE.1: the man page's SYNOPSIS as plain text, one space apart.
synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$1" | sed '1d;$d' | grep -v '^\.' |
		sed 's/\\f[BIR]//g; s/\\-/-/g' | tr -s ' \n' ' ' | sed 's/ $//'
}
is "$(ferry-keymap --help | sed 's/^usage: //' | tr -s ' \n' ' ' | sed 's/ $//')" \
	"$(synopsis "$top/transform/ferry-keymap.1")" "--help prints the man page's SYNOPSIS"

done_testing
