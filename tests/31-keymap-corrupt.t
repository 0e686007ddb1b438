#!/bin/bash
# A .map that is not whole and intact is refused when it is opened, with
# exit 3 and the file's name, by every program that opens one; never a
# crash.  Truncated at every 1 KiB boundary, a byte flipped anywhere in
# the header and at many places in the payload, empty, foreign files, and
# files forged with valid checksums but impossible contents.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1

awk 'BEGIN { print "id,uuid"
	for (i = 1; i <= 500; i++) printf "%d,%08x-0000-4000-8000-%012x\n", i, i, i }' > ints.csv
ferry-keymap build -o ints.map < ints.csv 2>/dev/null
awk 'BEGIN { print "name,uuid"
	for (i = 1; i <= 300; i++) printf "user-%d,%08x-0000-4000-8000-%012x\n", i, i, i }' > text.csv
ferry-keymap build --text -o text.map < text.csv 2>/dev/null
printf 'legacy_id\n1\n' > in.csv

# refused FILE: every program refuses it with exit 3 naming it; the
# statuses and first messages are collected in $statuses / $messages.
# (Under valgrind, ferry-keymap info and ferry-transform only: the same
# code opens the map for all, and the hundreds of runs add up.)
refused() {
	local status commands=("ferry-keymap info $1" "ferry-keymap get $1 1" "ferry-keymap dump $1")
	[ "${FERRY_VALGRIND:-0}" = 1 ] && commands=("ferry-keymap info $1")
	for command in "${commands[@]}"; do
		$command >/dev/null 2>stderr
		status=$?
		statuses="$statuses $status"
		[ "$status" -eq 3 ] || bad="$bad [$command: exit $status: $(cat stderr)]"
		grep -q "^ferry-keymap: $1: " stderr || bad="$bad [$command: $(cat stderr)]"
	done
	ferry-transform --map legacy_id="$1" < in.csv >/dev/null 2>stderr
	status=$?
	[ "$status" -eq 3 ] || bad="$bad [transform: exit $status: $(cat stderr)]"
	grep -q "^ferry-transform: $1: " stderr || bad="$bad [transform: $(cat stderr)]"
	messages="$messages$(head -1 stderr)
"
}

# flip FILE OFFSET: inverts the bits of one byte, in place.
flip() {
	perl -e 'open my $f, "+<", $ARGV[0] or die; binmode $f;
		seek $f, $ARGV[1], 0; read $f, my $c, 1;
		seek $f, $ARGV[1], 0; print $f chr(ord($c) ^ 0xff)' "$1" "$2"
}

ok "the intact maps open" ferry-keymap info ints.map
ok "the intact text map opens" ferry-keymap info text.map

for map in ints.map text.map; do
	size=$(stat -c %s "$map")
	bad= messages= statuses=
	count=0
	for ((cut = 0; cut < size; cut += 1024)); do
		head -c "$cut" "$map" > cut.map
		refused cut.map
		count=$((count + 1))
	done
	head -c $((size - 1)) "$map" > cut.map
	refused cut.map
	is "$bad" "" "$map ($size bytes) truncated at each of its $count 1 KiB boundaries and one byte short: exit 3 naming the file"
	like "$messages" "cut.map: not a ferry key map: empty file \(0 bytes\)" "$map: cut to nothing, it is an empty file"
	like "$messages" "cut.map: truncated: 1024 bytes, the header says $size" "$map: cut short, it says how short"

	bad= messages= statuses=
	for ((offset = 0; offset < 64; offset++)); do
		cp "$map" flipped.map
		flip flipped.map "$offset"
		refused flipped.map
	done
	is "$bad" "" "$map: a byte flipped anywhere in the 64-byte header: exit 3"
	like "$messages" "flipped.map: not a ferry key map \(no FERRYMAP header\)" "$map: a flipped magic is a foreign file"
	like "$messages" "flipped.map: corrupted: the header's checksum does not match" "$map: other header bytes fail the header's checksum"

	bad= messages= statuses=
	for offset in 64 65 100 1000 4095 4096 $((size / 2)) $((size - 40)) $((size - 1)); do
		cp "$map" flipped.map
		flip flipped.map "$offset"
		refused flipped.map
	done
	is "$bad" "" "$map: a byte flipped in the slots or the string area: exit 3"
	like "$messages" "corrupted: the checksum does not match the contents" "$map: the payload's checksum catches it"

	bad= messages=
	cp "$map" longer.map
	printf 'x' >> longer.map
	refused longer.map
	is "$bad" "" "$map with a byte appended: exit 3"
	like "$messages" "longer.map: $((size + 1)) bytes, the header says $size: bytes after the end" "$map: the message says so"
done

bad= messages=
: > empty.map
refused empty.map
is "$bad" "" "an empty file: exit 3"
cp ints.csv csv.map
refused csv.map
cp "$(command -v sh)" elf.map
refused elf.map
printf 'FERRYMA' > short.map
refused short.map
is "$bad" "" "a CSV file, an executable and a 7-byte file: exit 3 each"
like "$messages" "csv.map: not a ferry key map \(no FERRYMAP header\)" "a foreign file is named as such"
mkdir folder.map
exits 3 "a folder: exit 3" ferry-keymap info folder.map
like "$(cat stderr)" "folder.map: not a ferry key map \(not a regular file\)" "the message says why"

# --- forged files: valid checksums, impossible contents -----------------
# forge FILE OFFSET BYTES VALUE: sets an unsigned little-endian field and
# makes both checksums valid again.  forge FILE text-offset VALUE: sets
# the string offset of the first used slot of a text map.
cat > forge.c <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int
main(int argc, char **argv)
{
	FILE *file = fopen(argv[1], "r+b");
	static unsigned char data[1 << 20];
	size_t size = fread(data, 1, sizeof(data), file);
	uint64_t value = strtoull(argv[argc - 1], NULL, 0), slots, hash;

	if (strcmp(argv[2], "text-offset") == 0) {
		memcpy(&slots, data + 24, 8);
		for (uint64_t i = 0; i < slots; i++) {
			unsigned char *slot = data + 64 + i * 32;
			static const unsigned char nil[16];

			if (memcmp(slot + 16, nil, 16) != 0) {
				memcpy(slot + 8, &value, 8);
				break;
			}
		}
	} else {
		memcpy(data + atoi(argv[2]), &value, (size_t)atoi(argv[3]));
	}
	hash = XXH3_64bits(data + 64, size - 64);
	memcpy(data + 48, &hash, 8);
	hash = XXH3_64bits(data, 56);
	memcpy(data + 56, &hash, 8);
	rewind(file);
	fwrite(data, 1, size, file);
	return fclose(file) != 0;
}
C
if cc -o forge forge.c -lxxhash; then
	pass "the forging helper builds"
else
	fail "the forging helper builds"
fi

# forged NAME PATTERN FORGE-ARGUMENTS...: the forged copy is refused.
forged() {
	local name=$1 pattern=$2 map=$3
	shift 3
	cp "$map" forged.map
	./forge forged.map "$@"
	exits 3 "forged: $name: exit 3" ferry-keymap info forged.map
	like "$(cat stderr)" "^ferry-keymap: forged.map: $pattern" "forged: $name: the message says why"
}
forged "format version 2" "format version 2; this ferry reads version 1" ints.map 8 4 2
forged "key kind 7" "corrupted: unknown key kind 7" ints.map 12 4 7
forged "a text map called int64" "corrupted: an int64 map with a string area" text.map 12 4 1
forged "an int64 map called text" "truncated: .* bytes, the header says" ints.map 12 4 2
forged "as many entries as slots" "corrupted: 751 entries, 751 slots" ints.map 16 8 751
forged "a probe as long as the table" "corrupted: 500 entries, 751 slots, longest probe 751" ints.map 32 8 751
forged "no slots" "corrupted: 300 entries, 0 slots" text.map 24 8 0
forged "2^60 slots" "corrupted: sizes overflow" ints.map 24 8 0x1000000000000000
forged "2^40 slots" "truncated: .* bytes, the header says 26388279066688" ints.map 24 8 0x10000000000
forged "a string area past the file" "truncated" text.map 40 8 99999
forged "a key outside the string area" "corrupted: slot [0-9]+'s key lies outside the string area" text.map text-offset 0xfffffffffff0
forged "a key overlapping the area's end" "corrupted: slot [0-9]+'s key lies outside the string area" text.map text-offset $(($(ferry-keymap info text.map | sed -n 's/^string bytes: //p') - 3))

cp ints.map forged.map
./forge forged.map 32 8 0
ok "a map forged with a shorter longest probe still opens" ferry-keymap info forged.map
ok "and look-ups in it stay in bounds (some keys are then not found)" \
	sh -c 'ferry-keymap get forged.map 1 2 3 250 500 501 >/dev/null; [ $? -le 1 ]'

done_testing
