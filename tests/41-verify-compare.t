#!/bin/bash
# ferry-verify compare --key: the exact keys only in A, only in B, and the
# rows that differ with their columns, in bounded memory.
. "$(dirname "$0")/lib.sh"

# Temporary files go here, so that the test can see none is left.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
no_temporary_files() {
	is "$(ls -A "$TMPDIR")" "" "$1: no temporary file left"
}

cat >"$work/a.csv" <<'CSV'
id,name,amount,note
1,Ada,1.50,x
2,Bob,2.00,
3,Cy,3.00,""
4,Dee,4.00,y
10,Eve,10.00,z
CSV
# B: columns in another order, rows shuffled; 2 changed (amount), 3 changed
# (NULL -> "" in note, which is a difference), 4 gone, 11 new, 10 the same.
cat >"$work/b.csv" <<'CSV'
note,amount,id,name
z,10.00,10,Eve
"",2.50,2,Bob
x,1.50,1,Ada
,3.00,3,Cy
q,11.00,11,Fay
CSV

exits 1 "differences: exit 1" ferry-verify compare --key id "$work/a.csv" "$work/b.csv"
is "$(cat "$work/stdout")" "differs: id=2: amount, note (A line 3, B line 3)
differs: id=3: note (A line 4, B line 5)
only in A: id=4 (line 5)
only in B: id=11 (line 6)" "names exactly the keys and columns, in key order (10 after 4)"
like "$(cat "$work/stderr")" "5 rows, B .*: 5 rows: 1 only in A, 1 only in B, 2 differ" \
	"a summary on stderr"

exits 0 "a file against itself, columns reordered and rows shuffled: exit 0" \
	ferry-verify compare --key id "$work/a.csv" \
	<(printf 'note,id,amount,name\n"",3,3.00,Cy\nz,10,10.00,Eve\nx,1,1.50,Ada\ny,4,4.00,Dee\n,2,2.00,Bob\n')
is "$(cat "$work/stdout")" "" "and prints nothing"

exits 1 "--limit 1" ferry-verify compare --key id --limit 1 "$work/a.csv" "$work/b.csv"
is "$(wc -l <"$work/stdout")" 1 "--limit 1 prints one difference"
like "$(cat "$work/stderr")" "not all shown" "and says so"

exits 0 "--exclude the changed columns and the changed rows' differences go" \
	ferry-verify compare --key id --exclude amount,note \
	<(grep -v '^4,' "$work/a.csv") <(grep -v ',11,' "$work/b.csv")
exits 1 "--columns note compares only note" \
	ferry-verify compare --key id --columns note "$work/a.csv" "$work/b.csv"
is "$(grep -c differs "$work/stdout")" 2 "two rows differ in note"

# Composite keys, NULL keys, duplicates, a column on one side only.
printf 'office,doctor,since\n1,7,2020\n1,8,2021\n2,7,2019\n,9,2018\n2,7,2019\n' >"$work/c.csv"
printf 'office,doctor,since,extra\n1,8,2021,e\n1,7,2022,e\n,9,2018,e\n' >"$work/d.csv"
exits 1 "composite key" ferry-verify compare --key office,doctor "$work/c.csv" "$work/d.csv"
is "$(cat "$work/stdout")" "column only in B: extra
differs: office=1, doctor=7: since (A line 2, B line 3)
duplicate key in A: office=2, doctor=7 (2 rows, lines 4, 6)
only in A: office=2, doctor=7 (line 4)" \
	"composite keys shown, NULL keys match NULL, duplicates and extra columns named"

# Keys sort as an operator expects: NULL, integers by value, then text.
printf 'k,v\nb,1\n10,1\n-3,1\n9,1\n,1\n007,1\n-20,1\n' >"$work/keys.csv"
printf 'k,v\n' >"$work/none.csv"
exits 1 "key order" ferry-verify compare --key k "$work/keys.csv" "$work/none.csv"
is "$(sed 's/ (line.*//' "$work/stdout" | tr '\n' ' ')" \
	"only in A: k=NULL only in A: k=-20 only in A: k=-3 only in A: k=9 only in A: k=10 only in A: k=007 only in A: k=b " \
	"NULL first, integers by value, then text (007 is text, not 7)"

# Values shown unambiguously.
printf 'k,v\n"a b",1\n"",1\n"NULL",1\n"x""y",1\n' >"$work/odd.csv"
exits 1 "odd key values" ferry-verify compare --key k "$work/odd.csv" "$work/none.csv"
is "$(sed 's/ (line.*//' "$work/stdout" | tr '\n' '|')" \
	'only in A: k=""|only in A: k="NULL"|only in A: k="a b"|only in A: k="x\"y"|' \
	"the empty string, the word NULL, spaces and quotes are quoted"

# Larger than the memory given: runs on disk, merged in several passes.
awk 'BEGIN { print "id,name,amount"; for (i = 1; i <= 30000; i++) printf "%d,name %d,%d.%02d\n", i, i, i % 1000, i % 100 }' >"$work/big-a.csv"
{ echo "id,name,amount"; tail -n +2 "$work/big-a.csv" | awk -F, '
	$1 == 777 { next }                       # gone
	$1 == 12345 { print $1 ",changed," $3; next }
	$1 == 29999 { print $1 "," $2 ",0.00"; next }
	{ print }
	END { print "30001,new,1.00" }' | shuf; } >"$work/big-b.csv"
# B's lines are shuffled: left out.
expected="only in A: id=777 (line 778)
differs: id=12345: name (A line 12346)
differs: id=29999: amount (A line 30000)
only in B: id=30001"
exits 1 "30000 shuffled rows in 8 KB of memory" \
	ferry-verify compare --key id --memory 8K "$work/big-a.csv" "$work/big-b.csv"
is "$(sed -E 's/, B line [0-9]+\)$/)/; s/^(only in B: .*) \(line [0-9]+\)$/\1/' "$work/stdout")" \
	"$expected" "the four differences, no more"
no_temporary_files "after a spilled compare"
exits 1 "the same in the default memory" \
	ferry-verify compare --key id "$work/big-a.csv" "$work/big-b.csv"
cp "$work/stdout" "$work/default.out"
ferry-verify compare --key id --memory 8K "$work/big-a.csv" "$work/big-b.csv" >"$work/small.out" 2>/dev/null
same_file "spilled and in-memory compares agree" "$work/default.out" "$work/small.out"

# Errors: malformed input dies with line and record, and leaves nothing.
{ cat "$work/big-a.csv"; printf '30002,"unterminated\n'; } >"$work/bad.csv"
exits 3 "malformed B: exit 3" \
	ferry-verify compare --key id --memory 8K "$work/big-a.csv" "$work/bad.csv"
like "$(cat "$work/stderr")" 'bad.csv:30002: record 30001: unterminated' \
	"the message names the line and record"
no_temporary_files "after a compare that died"
exits 2 "no --key: usage" ferry-verify compare "$work/a.csv" "$work/b.csv"
exits 2 "a key column B lacks: usage" ferry-verify compare --key nope "$work/a.csv" "$work/b.csv"
exits 2 "one file: usage" ferry-verify compare --key id "$work/a.csv"
exits 5 "a missing file: exit 5" ferry-verify compare --key id "$work/a.csv" "$work/nope.csv"
exits 5 "an unusable temporary folder: exit 5" \
	ferry-verify compare --key id --memory 8K -T "$work/no/such/dir" "$work/big-a.csv" "$work/big-b.csv"

done_testing
