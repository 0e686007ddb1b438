#!/bin/bash
# ferry-transform: foreign keys resolved through int and text maps, several
# at once; NULL keys; each --missing policy; --check; value maps;
# constants, copies, renaming, selection; JSON columns; the summary; bad
# command lines and bad input; flat memory.
. "$(dirname "$0")/lib.sh"

uuid() { printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"; }
cd "$work" || exit 1

# Maps: doctors 1..5 -> uuid 101..105; users alice/bob -> 201/202;
# offices 10, 20 -> 310, 320.
{ echo id,uuid; for i in 1 2 3 4 5; do echo "$i,$(uuid $((100 + i)))"; done; } |
	ferry-keymap build -o doctors.map 2>/dev/null
printf 'username,uuid\nalice,%s\nbob,%s\n' "$(uuid 201)" "$(uuid 202)" |
	ferry-keymap build --text -o users.map 2>/dev/null
printf 'id,uuid\n10,%s\n20,%s\n' "$(uuid 310)" "$(uuid 320)" |
	ferry-keymap build -o offices.map 2>/dev/null

# --- pass-through -----------------------------------------------------
printf 'id,name,note\n1,"a, b","say ""x"""\n2,,""\n3,  spaced  ,"two\nlines"\n4,\\.,end\n' > plain.csv
ferry-transform < plain.csv > out.csv 2>err
same_file "no options: every row passes through byte for byte" plain.csv out.csv
is "$(cat err)" "ferry-transform: stdin: read 4, written 4, rejected 0" "the summary counts rows read, written, rejected"

# --- --map ------------------------------------------------------------
cat > visits.csv <<'CSV'
id,doctor_id,username,office_id,note
1,1,alice,10,first
2,5,bob,,second
3,,alice,20,no doctor
4,99,bob,10,unknown doctor
5,2,carol,10,unknown user
6,3,bob,30,unknown office
7,x1,alice,10,not a number
CSV
ferry-transform --map doctor_id=doctors.map < visits.csv > out.csv 2>err
status=$?
is "$status" 0 "rejects alone are no failure: exit 0"
cat > expected.csv <<CSV
id,doctor_id,username,office_id,note
1,$(uuid 101),alice,10,first
2,$(uuid 105),bob,,second
3,,alice,20,no doctor
5,$(uuid 102),carol,10,unknown user
6,$(uuid 103),bob,30,unknown office
CSV
same_file "--map replaces each key by its UUID in place; a NULL key stays NULL" expected.csv out.csv
cat > expected.err <<'TXT'
ferry-transform: stdin:5: record 4: column doctor_id: no key 99 in doctors.map
ferry-transform: stdin:8: record 7: column doctor_id: key "x1" is not an integer (doctors.map has int64 keys)
ferry-transform: stdin: read 7, written 5, rejected 2
ferry-transform: rejected 2: column doctor_id: key not in doctors.map
TXT
same_file "without --rejects each rejected row is reported with line and record, then the summary by reason" expected.err err

ferry-transform --map doctor_id=doctors.map --map username=users.map --map office_id=offices.map \
	< visits.csv > out.csv 2>err
cat > expected.csv <<CSV
id,doctor_id,username,office_id,note
1,$(uuid 101),$(uuid 201),$(uuid 310),first
2,$(uuid 105),$(uuid 202),,second
3,,$(uuid 201),$(uuid 320),no doctor
CSV
same_file "three maps at once, int and text keys" expected.csv out.csv
ferry-transform --map doctor_id=doctors.map --map username=users.map --map office_id=offices.map \
	--uuid id=v5:visits:id --json m=note,office_id:number --rejects again-rejects.csv < visits.csv > again.csv 2>/dev/null
ferry-transform --map doctor_id=doctors.map --map username=users.map --map office_id=offices.map \
	--uuid id=v5:visits:id --json m=note,office_id:number --rejects again-rejects2.csv < visits.csv > again2.csv 2>/dev/null
same_file "the same input twice: byte-identical output" again.csv again2.csv
same_file "and byte-identical reject files" again-rejects.csv again-rejects2.csv
like "$(cat err)" 'stdin:6: record 5: column username: no key "carol" in users.map' "a text key is quoted in the message"
like "$(cat err)" "stdin:7: record 6: column office_id: no key 30 in offices.map" "each column names its own map"
like "$(cat err)" "rejected 1: column username: key not in users.map" "the summary has a line per reason"

printf 'author_id,recipient_id\n1,2\n3,\n' > two.csv
ferry-transform --map author_id=doctors.map --map recipient_id=doctors.map < two.csv > out.csv 2>/dev/null
is "$(cat out.csv)" "author_id,recipient_id
$(uuid 101),$(uuid 102)
$(uuid 103)," "one map serves two columns"

# --- --missing --------------------------------------------------------
ferry-transform --map doctor_id=doctors.map --missing doctor_id=null < visits.csv > out.csv 2>err
is "$(cut -d, -f1,2 out.csv | tr '\n' ' ')" "id,doctor_id 1,$(uuid 101) 2,$(uuid 105) 3, 4, 5,$(uuid 102) 6,$(uuid 103) 7, " \
	"--missing null: an absent key becomes NULL and the row is kept"
like "$(cat err)" "read 7, written 7, rejected 0" "nothing is rejected"
like "$(cat err)" "set NULL 2: column doctor_id: key not in doctors.map" "the summary counts the keys set NULL"

exits 1 "--missing fail: the first absent key stops the run, exit 1" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --missing doctor_id=fail < visits.csv'
like "$(head -1 stderr)" "^ferry-transform: stdin:5: record 4: column doctor_id: no key 99 in doctors.map$" \
	"the message gives line, record, column, key and map"
is "$(tail -n +2 stdout | wc -l)" 3 "the rows before it were written"

exits 2 "--missing for a column without a look-up: exit 2" \
	sh -c 'ferry-transform --missing note=null < visits.csv'
like "$(cat stderr)" "no --map, --check or --value-map for column note" "the message says so"
exits 2 "an unknown policy: exit 2" sh -c 'ferry-transform --map doctor_id=doctors.map --missing doctor_id=skip < visits.csv'

# --- --check ----------------------------------------------------------
ferry-transform --check office_id=offices.map < visits.csv > out.csv 2>err
is "$(cut -d, -f1,4 out.csv | tr '\n' ' ')" "id,office_id 1,10 2, 3,20 4,10 5,10 7,10 " \
	"--check keeps the legacy value and rejects a key the map lacks"
like "$(cat err)" "stdin:7: record 6: column office_id: no key 30 in offices.map" "with the usual message"

# --- value maps -------------------------------------------------------
printf 'code,status\n1,active\n2,done\n3,\n1,active\n' > statuses.csv
printf 'id,status\n1,1\n2,2\n3,3\n4,\n5,7\n6,""\n' > orders.csv
ferry-transform --value-map status=statuses.csv < orders.csv > out.csv 2>err
is "$(cat out.csv)" 'id,status
1,active
2,done
3,
4,' "--value-map replaces codes; a code mapped to NULL gives NULL; NULL stays NULL"
like "$(cat err)" 'stdin:6: record 5: column status: no code "7" in statuses.csv' "an unmapped code is rejected with its value"
like "$(cat err)" 'stdin:7: record 6: column status: no code "" in statuses.csv' "the empty string is a code like any other"
printf 'code,status\n,unknown\n1,active\n' > with-null.csv
ferry-transform --value-map status=with-null.csv --missing status=null < orders.csv > out.csv 2>/dev/null
is "$(cut -d, -f2 out.csv | tr '\n' ' ')" "status active   unknown   " \
	"a NULL code in the map maps NULL; --missing null applies to value maps too"
printf 'code,status\n1,active\n1,done\n' > conflicting.csv
exits 3 "a value map giving a code two values: exit 3" sh -c 'ferry-transform --value-map status=conflicting.csv < orders.csv'
like "$(cat stderr)" "conflicting.csv:3: code 1 has two values: on line 2 and here" "the message names both lines"
printf 'code,status,extra\n1,a,b\n' > three.csv
exits 3 "a value map of three columns: exit 3" sh -c 'ferry-transform --value-map status=three.csv < orders.csv'
exits 5 "a value map that does not exist: exit 5" sh -c 'ferry-transform --value-map status=none.csv < orders.csv'

# --- constants, copies, renaming, selection ---------------------------
printf 'id,name,legacy\n1,ann,x\n2,bob,y\n' > people.csv
ferry-transform --const source=dispatch_user --const empty= --copy legacy_id=id --const name=Anon \
	< people.csv > out.csv 2>/dev/null
is "$(cat out.csv)" 'id,name,legacy,source,empty,legacy_id
1,Anon,x,dispatch_user,"",1
2,Anon,y,dispatch_user,"",2' \
	"--const and --copy add columns in option order, or replace one in place; an empty constant is \"\""
ferry-transform --copy legacy_id=id --rename name=full_name --drop legacy < people.csv > out.csv 2>/dev/null
is "$(cat out.csv)" 'id,full_name,legacy_id
1,ann,1
2,bob,2' "--rename and --drop"
ferry-transform --copy legacy_id=id --rename name=full_name --columns legacy_id,full_name < people.csv > out.csv 2>/dev/null
is "$(cat out.csv)" 'legacy_id,full_name
1,ann
2,bob' "--columns selects and orders the output by its (renamed) names"
ferry-transform --map doctor_id=doctors.map --drop doctor_id < visits.csv > out.csv 2>err
like "$(cat err)" "read 7, written 5, rejected 2" "a dropped column's look-up still rejects rows"

exits 2 "--rename to a name already there: exit 2" sh -c 'ferry-transform --rename name=id < people.csv'
like "$(cat stderr)" "there is a column id already" "the message says so"
exits 2 "--columns naming a column that is not there: exit 2" sh -c 'ferry-transform --columns id,nope < people.csv'
like "$(cat stderr)" "--columns: no column nope" "the message names it"
exits 2 "--columns naming a column twice: exit 2" sh -c 'ferry-transform --columns id,id < people.csv'
exits 2 "--drop of an unknown column: exit 2" sh -c 'ferry-transform --drop nope < people.csv'
exits 2 "--drop of every column: exit 2" sh -c 'ferry-transform --drop id,name,legacy < people.csv'
like "$(cat stderr)" "no column is left to write" "the message says so"
exits 2 "--map of a column the input lacks: exit 2" sh -c 'ferry-transform --map doctor_id=doctors.map < people.csv'
like "$(cat stderr)" 'no column "doctor_id" in the input \(stdin\)' "the message names the column"
exits 2 "two options making one column: exit 2" sh -c 'ferry-transform --const x=1 --copy x=id < people.csv'
like "$(cat stderr)" "column x is already made by --const" "the message names both"
exits 2 "--copy from a column the input lacks: exit 2" sh -c 'ferry-transform --copy x=nope < people.csv'
exits 2 "an option without =: exit 2" sh -c 'ferry-transform --const x < people.csv'
exits 2 "an unknown option: exit 2" sh -c 'ferry-transform --frobnicate < people.csv'
like "$(cat stderr)" "usage: ferry-transform \[--map COL=FILE.map\]" "the usage is printed"
exits 2 "an operand: exit 2" sh -c 'ferry-transform people.csv < people.csv'
exits 2 "--max-rejects that is not a count: exit 2" sh -c 'ferry-transform --max-rejects -1 < people.csv'
exits 3 "a map that is not a map: exit 3" sh -c 'ferry-transform --map id=people.csv < people.csv'
exits 5 "a map that does not exist: exit 5" sh -c 'ferry-transform --map id=none.map < people.csv'
ok "--help prints the usage and exits 0" ferry-transform --help
like "$(cat .out)" "^usage: ferry-transform" "on stdout"

# --- JSON columns -----------------------------------------------------
printf 'id,name,price,paid,count,note\n' > legacy.csv
printf '1,"Ann ""the"" \\ best",12.50,t,3,"tab\there\nnewline \001 zoë ☃"\n' >> legacy.csv
printf '2,,,,,""\n' >> legacy.csv
printf '3,bob,-1.5e3,false,0,x\n' >> legacy.csv
ferry-transform --json metadata=name,price:number,paid:boolean,legacy_count=count:number,note \
	--drop name,price,paid,count,note < legacy.csv > out.csv 2>err
is "$(sed -n 2p out.csv)" '1,"{""name"":""Ann \""the\"" \\ best"",""price"":12.50,""paid"":true,""legacy_count"":3,""note"":""tab\there\nnewline \u0001 zoë ☃""}"' \
	"--json: strings escaped, numbers and booleans only where declared, a key renamed"
is "$(sed -n 3p out.csv)" '2,"{""name"":null,""price"":null,""paid"":null,""legacy_count"":null,""note"":""""}"' \
	"NULL becomes null whatever the type; the empty string stays a string"
is "$(sed -n 4p out.csv)" '3,"{""name"":""bob"",""price"":-1.5e3,""paid"":false,""legacy_count"":0,""note"":""x""}"' \
	"false and exponents"
fresh_db transform_json
sql transform_json "CREATE TABLE t (id int, metadata jsonb)" >/dev/null
if psql -X -q -v ON_ERROR_STOP=1 -d transform_json -c "\\copy t FROM '$work/out.csv' (FORMAT csv, HEADER)" >/dev/null 2>psql.err; then
	pass "PostgreSQL parses every object as jsonb"
else
	fail "PostgreSQL parses every object as jsonb" "$(cat psql.err)"
fi
is "$(sql transform_json "SELECT metadata->>'name' || '|' || (metadata->>'note') FROM t WHERE id = 1")" \
	"$(printf 'Ann "the" \\ best|tab\there\nnewline \001 zoë ☃')" "and reads back the exact text"
is "$(sql transform_json "SELECT jsonb_typeof(metadata->'price') || jsonb_typeof(metadata->'paid') || jsonb_typeof(metadata->'name') FROM t WHERE id = 1")" \
	"numberbooleanstring" "with the declared types"

printf 'id,price,paid\n1,NaN,t\n2,1.,t\n3,01,t\n4,1,yes\n5,.5,t\n6,1,f\n' > badjson.csv
ferry-transform --json m=price:number,paid:boolean < badjson.csv > out.csv 2>err
is "$(tail -n +2 out.csv | cut -d, -f1 | tr '\n' ' ')" "6 " "values that are not of their declared type reject the row"
like "$(cat err)" 'stdin:2: record 1: column m: price "NaN" is not a JSON number' "NaN is not a JSON number"
like "$(cat err)" 'stdin:5: record 4: column m: paid "yes" is not a boolean' "yes is not a boolean"
like "$(cat err)" "rejected 5: column m: a value not of its declared type" "the summary counts them"
exits 2 "a JSON member of unknown type: exit 2" sh -c 'ferry-transform --json m=id:integer < people.csv'
exits 2 "a JSON member naming no input column: exit 2" sh -c 'ferry-transform --json m=nope < people.csv'
exits 2 "a JSON key named twice: exit 2" sh -c 'ferry-transform --json m=id,id < people.csv'

# --- bad input --------------------------------------------------------
printf 'id,doctor_id\n1,1\n2,2,3\n' > ragged.csv
exits 3 "a ragged row: exit 3" sh -c 'ferry-transform --map doctor_id=doctors.map < ragged.csv'
like "$(cat stderr)" "^ferry-transform: stdin:3: record 2: 3 fields, the header has 2" "the reader's message names line and record"
exits 3 "empty input: exit 3" sh -c 'ferry-transform < /dev/null'
exits 5 "a closed stdout: exit 5" sh -c 'ferry-transform < plain.csv >&-'

# --- flat memory ------------------------------------------------------
# 400,000 rows (about 30 MB) through three maps, a v5 UUID and a JSON
# column; the peak RSS is read from /proc once all input is consumed.
# (Not under valgrind, whose own memory it would measure.)
if [ "${FERRY_VALGRIND:-0}" != 1 ]; then
awk 'BEGIN { print "id,doctor_id,username,office_id,note"
	for (i = 1; i <= 400000; i++)
		printf "%d,%d,%s,%d,\"note %d, with a comma and some words to make it longer\"\n",
			i, i % 5 + 1, (i % 2 ? "alice" : "bob"), (i % 2 + 1) * 10, i }' > big.csv
mkfifo feed
ferry-transform --map doctor_id=doctors.map --map username=users.map --map office_id=offices.map \
	--uuid id=v5:visits:id --json m=note < feed > big.out 2>/dev/null &
pid=$!
exec 7> feed	# held open, so the input ends only when we say so
cat big.csv >&7
size=$(stat -c %s big.csv)
for ((i = 0; i < 300; i++)); do
	read_bytes=$(awk '/^rchar:/ { print $2 }' "/proc/$pid/io" 2>/dev/null)
	[ "${read_bytes:-0}" -ge "$size" ] && break
	sleep 0.1
done
peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
exec 7>&-
wait "$pid"
[ "${read_bytes:-0}" -ge "$size" ] && [ "${peak:-99999}" -lt 16384 ] &&
	pass "memory stays flat: peak RSS ${peak} kB after $size bytes" ||
	fail "memory stays flat" "peak ${peak:-?} kB after ${read_bytes:-?} of $size bytes"
is "$(wc -l < big.out)" 400001 "and every row came out"
fi

# synopsis FILE.1: the man page's SYNOPSIS as plain text, one space apart.
synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$1" | sed '1d;$d' | grep -v '^\.' |
		sed 's/\\f[BIR]//g; s/\\-/-/g' | tr -s ' \n' ' ' | sed 's/ $//'
}
is "$(ferry-transform --help | sed 's/^usage: //' | tr -s ' \n' ' ' | sed 's/ $//')" \
	"$(synopsis "$top/transform/ferry-transform.1")" "--help prints the man page's SYNOPSIS"

done_testing
