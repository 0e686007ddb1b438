#!/bin/bash
# ferry-verify digest: the order-independent row digest of
# docs/digest-format.md, each kind of change it must see, and its errors.
. "$(dirname "$0")/lib.sh"

hard=$fixtures/verify_hard.csv
digest() { ferry-verify digest "$@" 2>&1; }

# --- format 1 is frozen ---------------------------------------------------
# The value an archive digested today carries: if this changes, old
# archives stop verifying (docs/digest-format.md).
is "$(digest "$hard")" "rows=5 digest=c0f18e8eabf7bd49cd123b032e9951a8" \
	"the digest of the hard-values fixture is the one format 1 gave"

# The same value computed from the document alone: perl writes each row's
# canonical encoding (u64le field count; per field u64le length and bytes,
# NULL as length 2^64-1), a ten-line C program hashes it with XXH3-128,
# perl sums the hashes modulo 2^128.
cat >"$work/xxh128.c" <<'C'
#include <stdio.h>
#include <xxhash.h>
int main(void) {
	static char bytes[1 << 20];
	size_t length = fread(bytes, 1, sizeof(bytes), stdin);
	XXH128_hash_t hash = XXH3_128bits(bytes, length);
	printf("%016llx%016llx\n", (unsigned long long)hash.high64,
	    (unsigned long long)hash.low64);
	return 0;
}
C
if cc -o "$work/xxh128" "$work/xxh128.c" -lxxhash 2>"$work/cc.log"; then
	reference=$(perl -MMath::BigInt -e '
		my @rows = (
			["1", "Ada", "comma, inside", "1.50"],
			["2", undef, "", "2"],
			["3", "quote \" inside", "line\nbreak", "-0.5"],
			["4", "  spaced  ", "\x{dc}n\x{ef}c\x{f8}d\x{e9} \x{1f600}", undef],
			["5", "\\.", "\\N", "0"],
		);
		my $sum = Math::BigInt->new(0);
		for my $row (@rows) {
			my $bytes = pack("Q<", scalar @$row);
			for my $field (@$row) {
				if (!defined $field) { $bytes .= pack("Q<", 2**64 - 1); next }
				my $utf8 = $field; utf8::encode($utf8);
				$bytes .= pack("Q<", length $utf8) . $utf8;
			}
			open(my $pipe, "|-", "$ARGV[0] > $ARGV[1]") or die;
			binmode $pipe; print $pipe $bytes; close $pipe;
			open(my $in, "<", $ARGV[1]) or die; my $hex = <$in>; chomp $hex;
			$sum = ($sum + Math::BigInt->from_hex($hex)) % (Math::BigInt->new(2) ** 128);
		}
		my $hex = substr($sum->as_hex, 2);
		printf "rows=%d digest=%s\n", scalar @rows, ("0" x (32 - length $hex)) . $hex;
	' "$work/xxh128" "$work/hash.out" 2>/dev/null)
	is "$(digest "$hard")" "$reference" \
		"docs/digest-format.md, followed by another program, gives the same digest"
else
	fail "compile the reference hasher" "$(cat "$work/cc.log")"
fi

# --- order, quoting and line ends do not matter ----------------------------
{ head -1 "$hard"; tail -n +2 "$hard" | tr -d '\r' | perl -0777 -ne '
	# records, not lines: record 3 holds a line break
	my @records = /((?:[^"\n]|"[^"]*")*\n)/g; print reverse @records'; } >"$work/reversed.csv"
is "$(digest "$work/reversed.csv")" "$(digest "$hard")" \
	"rows in reverse order, LF line ends: the same digest"
printf 'a,b\n1,x\n2,y\n3,z\n' >"$work/plain.csv"
printf 'a,b\n"3","z"\n"1",x\n2,"y"\n' >"$work/quoted.csv"
is "$(digest "$work/quoted.csv")" "$(digest "$work/plain.csv")" \
	"shuffled rows and needless quotes: the same digest"
seq 1 20000 | awk 'BEGIN { print "id,value" } { printf "%d,v%d\n", $1, $1 * 7 }' >"$work/many.csv"
{ head -1 "$work/many.csv"; tail -n +2 "$work/many.csv" | shuf; } >"$work/shuffled.csv"
is "$(digest "$work/shuffled.csv")" "$(digest "$work/many.csv")" \
	"20000 rows shuffled: the same digest"
printf 'A,B\n1,x\n2,y\n3,z\n' >"$work/renamed.csv"
is "$(digest "$work/renamed.csv")" "$(digest "$work/plain.csv")" \
	"the header is not digested: renamed columns, the same digest"

# --- every single change is seen ----------------------------------------------
base=$(digest "$work/plain.csv")
check_change() {	# NAME CONTENT
	printf "$2" >"$work/changed.csv"
	local got
	got=$(digest "$work/changed.csv")
	if [ "$got" != "$base" ]; then pass "$1"; else fail "$1" "same digest: $got"; fi
}
check_change "one changed byte" 'a,b\n1,x\n2,y\n3,Z\n'
printf 'a,b\n1,x\n2,\n3,z\n' >"$work/null.csv"
printf 'a,b\n1,x\n2,""\n3,z\n' >"$work/empty.csv"
if [ "$(digest "$work/null.csv")" != "$(digest "$work/empty.csv")" ]; then
	pass "NULL and \"\" give different digests"
else fail "NULL and \"\" give different digests"; fi
check_change "a duplicated row" 'a,b\n1,x\n2,y\n3,z\n3,z\n'
check_change "a missing row" 'a,b\n1,x\n2,y\n'
check_change "two values swapped between columns" 'a,b\n1,x\n2,y\nz,3\n'
check_change "two values swapped between rows" 'a,b\n1,y\n2,x\n3,z\n'
check_change "a value moved across the field boundary" 'a,b\n1,x\n2,y\n3z,\n'
check_change "a space at the end of a value" 'a,b\n1,x\n2,y\n3,z \n'
is "$(printf 'a,b\n1,x\n2,y\n3,z\n' | ferry-verify digest)" "$base" \
	"the control (unchanged rows) gives the base digest"

# --- projections ---------------------------------------------------------------
printf 'b,a,c\nx,1,p\ny,2,q\nz,3,r\n' >"$work/reordered.csv"
is "$(digest --columns a,b "$work/reordered.csv")" "$base" \
	"--columns a,b digests those columns in that order"
is "$(digest --exclude c --columns a,b "$work/reordered.csv" >/dev/null; echo $?)" 2 \
	"--columns and --exclude together: usage error"
unlike "$(digest --exclude c "$work/reordered.csv")" "$base" \
	"--exclude keeps header order (b,a differs from a,b)"
is "$(digest --exclude c "$work/reordered.csv")" "$(digest --columns b,a "$work/reordered.csv")" \
	"--exclude c is --columns b,a"
exits 2 "--columns naming a missing column is a usage error" \
	ferry-verify digest --columns a,nope "$work/plain.csv"
like "$(cat "$work/stderr")" 'plain.csv: no column "nope"' "and the message names it"

# --- output forms ------------------------------------------------------------
like "$(digest --json "$work/plain.csv")" \
	'^\{"file":"[^"]*plain.csv","rows":3,"digest":"[0-9a-f]{32}","format":1,"columns":\["a","b"\]\}$' \
	"--json: one object with file, rows, digest, format, columns"
is "$(ferry-verify digest "$work/plain.csv" "$work/quoted.csv" | sed "s|$work/||")" \
	"${base} plain.csv
${base} quoted.csv" "several files: a line each, the file named last"
gzip -c "$work/plain.csv" >"$work/plain.csv.gz"
is "$(digest "$work/plain.csv.gz")" "$base" "a .gz file is digested decompressed"
is "$(gzip -dc "$work/plain.csv.gz" | ferry-verify digest)" "$base" "and through a pipe"
head -c 20 "$work/plain.csv.gz" >"$work/cut.csv.gz"
exits 3 "a cut-off .gz is malformed input" ferry-verify digest "$work/cut.csv.gz"
like "$(cat "$work/stderr")" "cut.csv.gz: gzip -dc failed" "named as a gzip failure"
printf 'a,b\n' >"$work/header-only.csv"
is "$(digest "$work/header-only.csv")" "rows=0 digest=00000000000000000000000000000000" \
	"a header without rows: zero rows, zero digest"

# --- a file read in parts, side by side (verify/parts.h) --------------------------
# Multi-line quoted fields, CRLF and LF, empty values: cuts may land
# inside a record; the parts must then give way to one plain pass.
perl -e 'print "id,text,n\r\n"; for my $i (1..40000) {
	if ($i % 3 == 0) { print "$i,\"multi\nline\n$i\",$i\r\n" }
	elsif ($i % 7 == 0) { print "$i,,\r\n" }
	else { print "$i,\"x\"\"y\",$i\n" } }' >"$work/parts.csv"
one=$(ferry-verify digest --threads 1 "$work/parts.csv")
like "$one" "^rows=40000 " "one pass: 40000 rows"
for threads in 2 3 4 8; do
	is "$(ferry-verify digest --threads $threads "$work/parts.csv")" "$one" \
		"--threads $threads gives the one-pass digest"
done
perl -e 'print "a\n"; for my $i (1..300000) { print "\"$i\n\n\n\n\"\n" }' >"$work/quoted-lines.csv"
is "$(ferry-verify digest --threads 4 "$work/quoted-lines.csv")" \
	"$(ferry-verify digest --threads 1 "$work/quoted-lines.csv")" \
	"cuts inside quoted fields: the same digest"
{ cat "$work/parts.csv"; printf '1,2\n'; } >"$work/parts-ragged.csv"
exits 3 "a ragged last row read in parts: exit 3" \
	ferry-verify digest --threads 4 "$work/parts-ragged.csv"
like "$(cat "$work/stderr")" "parts-ragged.csv:66668: record 40001: 2 fields, the header has 3" \
	"with the right line and record"

# --- malformed input: exit 3 with line and record --------------------------------
printf 'a,b\n1,x\n2,"open\n3,z\n' >"$work/unterminated.csv"
exits 3 "an unterminated quote: exit 3" ferry-verify digest "$work/unterminated.csv"
like "$(cat "$work/stderr")" '^ferry-verify: .*unterminated.csv:3: record 2: unterminated' \
	"the message names the file, line and record"
printf 'a,b\n1,x\n2,y,extra\n' >"$work/ragged.csv"
exits 3 "a ragged row: exit 3" ferry-verify digest "$work/ragged.csv"
like "$(cat "$work/stderr")" '^ferry-verify: .*ragged.csv:3: record 2: 3 fields, the header has 2' \
	"the message names the file, line and record"
printf 'a,b\n1,\377\n' >"$work/latin1.csv"
exits 3 "invalid UTF-8: exit 3" ferry-verify digest "$work/latin1.csv"
exits 3 "empty input: exit 3" ferry-verify digest /dev/null
exits 5 "a missing file: exit 5" ferry-verify digest "$work/nope.csv"
exits 2 "an unknown option: exit 2" ferry-verify digest --bogus
exits 2 "no subcommand: exit 2" ferry-verify
like "$(ferry-verify --help)" "^usage: ferry-verify digest" "--help prints the usage on stdout"
if command -v man >/dev/null; then
	synopsis=$(MANWIDTH=100 man -l "$top/verify/ferry-verify.1" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		sed 's/^ *//; s/  */ /g' | grep -v '^$')
	is "$synopsis" "$(ferry-verify --help | sed 's/^usage: //; s/^ *//; s/  */ /g')" \
		"the man page's SYNOPSIS is the usage"
else
	pass "the man page's SYNOPSIS is the usage # skip man is not installed"
fi

done_testing
