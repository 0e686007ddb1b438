#!/bin/bash
# ferry-verify manifest: DIR/MANIFEST written whole and private, and
# --check naming each file changed, truncated, missing or added, offline.
. "$(dirname "$0")/lib.sh"

stage=$work/stage
make_stage() {
	rm -rf "$stage"
	mkdir -p "$stage/maps"
	cp "$fixtures/verify_hard.csv" "$stage/technicians.csv"
	awk 'BEGIN { print "id,name"; for (i = 1; i <= 5000; i++) printf "%d,name %d\n", i, i }' \
		>"$stage/orders.csv"
	printf 'id,name,_line,_reason\n7,x,8,no key 7 in profiles.map\n' >"$stage/orders.rejects.csv"
	gzip -c "$stage/orders.csv" >"$stage/archived.csv.gz"
	printf '\001\002binary map' >"$stage/maps/profiles.map"
	: >"$stage/empty.csv"
	echo "state" >"$stage/.runner-state"
}
make_stage

exits 0 "manifest DIR: exit 0" ferry-verify manifest "$stage"
is "$(stat -c %a "$stage/MANIFEST")" 600 "MANIFEST is mode 0600"
is "$(ls -A "$stage" | grep -c '^MANIFEST\.')" 0 "no temporary file left beside it"
is "$(head -1 "$stage/MANIFEST")" "ferry-manifest 1" "the first line names the format"
is "$(grep -v '^#' "$stage/MANIFEST" | tail -n +2 | awk '{ print $NF }' | tr '\n' ' ')" \
	"archived.csv.gz empty.csv maps/profiles.map orders.csv orders.rejects.csv technicians.csv " \
	"every file, sorted, subfolders included, dot files and MANIFEST left out"
is "$(grep ' technicians.csv$' "$stage/MANIFEST")" \
	"5 $(stat -c %s "$fixtures/verify_hard.csv") c0f18e8eabf7bd49cd123b032e9951a8 $(grep ' technicians.csv$' "$stage/MANIFEST" | cut -d' ' -f4) technicians.csv" \
	"rows, bytes, the row digest of format 1, the byte hash, the name"
is "$(grep ' orders.csv$' "$stage/MANIFEST" | cut -d' ' -f1,3)" \
	"$(ferry-verify digest "$stage/orders.csv" | sed 's/rows=//; s/digest=//')" \
	"a CSV file's rows and digest are ferry-verify digest's"
is "$(grep ' archived.csv.gz$' "$stage/MANIFEST" | cut -d' ' -f1,3)" \
	"$(grep ' orders.csv$' "$stage/MANIFEST" | cut -d' ' -f1,3)" \
	"a .csv.gz file's rows and digest are of its decompressed CSV"
is "$(grep ' archived.csv.gz$' "$stage/MANIFEST" | cut -d' ' -f2)" \
	"$(stat -c %s "$stage/archived.csv.gz")" "and its bytes are the file's as stored"
like "$(grep ' maps/profiles.map$' "$stage/MANIFEST")" '^- 12 - [0-9a-f]{32} maps/profiles.map$' \
	"a file that is not CSV: bytes and byte hash only"
is "$(grep ' empty.csv$' "$stage/MANIFEST" | cut -d' ' -f1-3)" \
	"0 0 00000000000000000000000000000000" "an empty CSV file: no rows"

exits 0 "--check of the untouched directory: exit 0" ferry-verify manifest --check "$stage"
is "$(grep -c ': ok$' "$work/stdout")" 6 "every file ok"

# The four kinds of damage, at once.
printf 'X' | dd of="$stage/orders.csv" bs=1 seek=100 conv=notrunc 2>/dev/null
truncate -s 100 "$stage/technicians.csv"
rm "$stage/maps/profiles.map"
echo "id" >"$stage/extra.csv"
exits 1 "--check after damage: exit 1" ferry-verify manifest --check "$stage"
like "$(cat "$work/stdout")" "orders.csv: changed: the same size \\(.*\\), another byte hash; 5000 rows \\(was 5000\\), the row digest differs" \
	"a flipped byte: changed"
like "$(cat "$work/stdout")" "technicians.csv: truncated: 100 of [0-9]+ bytes" "a cut file: truncated"
like "$(cat "$work/stdout")" "maps/profiles.map: missing" "a deleted file: missing"
like "$(cat "$work/stdout")" "extra.csv: added" "a new file: added"
like "$(cat "$work/stdout")" "archived.csv.gz: ok" "the untouched files: ok"
like "$(cat "$work/stderr")" "1 changed, 1 truncated, 1 missing; 1 added" "a summary on stderr"
exits 1 "--quiet prints the problems only" ferry-verify manifest --check --quiet "$stage"
is "$(wc -l <"$work/stdout")" 4 "four lines"

# Bytes that changed while the rows did not (CRLF line ends): still
# changed, and said so.
make_stage
ferry-verify manifest "$stage" 2>/dev/null
sed -i 's/$/\r/' "$stage/orders.csv"
exits 1 "CRLF line ends: exit 1" ferry-verify manifest --check "$stage"
like "$(cat "$work/stdout")" "orders.csv: changed: .*the rows and their digest still match" \
	"the rows still match, the bytes do not"

# Compressed archives.
make_stage
ferry-verify manifest "$stage" 2>/dev/null
gzip "$stage/orders.csv" "$stage/technicians.csv"
exits 0 "files gzipped after the MANIFEST still verify" ferry-verify manifest --check "$stage"
like "$(cat "$work/stdout")" "orders.csv: ok \\(as orders.csv.gz\\)" "checked through gzip -dc"
gzip -dc "$stage/orders.csv.gz" | sed '5000d' | gzip >"$stage/o.gz" && mv "$stage/o.gz" "$stage/orders.csv.gz"
exits 1 "a row removed inside a .gz: exit 1" ferry-verify manifest --check "$stage"
like "$(cat "$work/stdout")" "orders.csv: truncated \\(as orders.csv.gz\\).*4999 rows \\(was 5000\\)" \
	"named"
head -c 100 "$stage/archived.csv.gz" >"$stage/cut" && mv "$stage/cut" "$stage/archived.csv.gz"
exits 1 "a cut .gz named in the MANIFEST: exit 1" ferry-verify manifest --check "$stage"
like "$(cat "$work/stdout")" "archived.csv.gz: truncated: 100 of [0-9]+ bytes; gzip -dc failed" "named"

# Updating named files only, as a pipeline runs.
make_stage
ferry-verify manifest "$stage" 2>/dev/null
echo "5001,late" >>"$stage/orders.csv"
echo "new" >"$stage/report.md"
exits 0 "manifest DIR FILE... updates those files only" \
	ferry-verify manifest "$stage" orders.csv report.md
exits 0 "and the directory checks again" ferry-verify manifest --check "$stage"
like "$(grep ' orders.csv$' "$stage/MANIFEST")" "^5001 " "orders.csv now has 5001 rows"
exits 5 "naming a file that does not exist: exit 5" ferry-verify manifest "$stage" nope.csv
exits 2 "naming a file outside DIR: usage" ferry-verify manifest "$stage" ../x.csv

# Writing a MANIFEST of a bad CSV file is refused.
printf 'a,b\n1,"x\n' >"$stage/bad.csv"
exits 3 "a malformed CSV file: exit 3" ferry-verify manifest "$stage"
like "$(cat "$work/stderr")" "bad.csv:2: record 1: unterminated" "naming it, its line and record"

# A MANIFEST is checked before it is believed.
make_stage
ferry-verify manifest "$stage" 2>/dev/null
sed -i '1s/1/9/' "$stage/MANIFEST"
exits 3 "a later format: exit 3" ferry-verify manifest --check "$stage"
like "$(cat "$work/stderr")" "MANIFEST:1: MANIFEST format 9: this ferry reads format 1" "said"
make_stage
ferry-verify manifest "$stage" 2>/dev/null
sed -i '3s/^[0-9]* /x /' "$stage/MANIFEST"
exits 3 "a malformed line: exit 3" ferry-verify manifest --check "$stage"
like "$(cat "$work/stderr")" "MANIFEST:3: bad rows or digest" "with its line"
rm "$stage/MANIFEST"
exits 5 "no MANIFEST: exit 5" ferry-verify manifest --check "$stage"
exits 5 "no directory: exit 5" ferry-verify manifest --check "$work/nope"
exits 2 "no DIR: usage" ferry-verify manifest

done_testing
