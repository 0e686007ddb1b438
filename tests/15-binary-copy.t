#!/bin/bash
# ferry-load's binary COPY: for every type with an encoder, hard values
# loaded with --format binary give the table, value for value, and the
# rejects, line for line and message for message, that --format csv
# gives; canonical values really go in binary, others fall back to CSV;
# skip, upsert and refused batches isolate the same rows.
. "$(dirname "$0")/lib.sh"

db=binary_copy
fresh_db "$db"
export PGDATABASE=$db
sql "$db" "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
	CREATE DOMAIN positive AS integer CHECK (VALUE > 0)" >/dev/null

# The server's statements reach ferry-load's stderr as LOG notices, so a
# test sees which COPY formats a load used.
logged() {
	PGOPTIONS="-c client_min_messages=log -c log_statement=all" "$@"
}
# formats FILE: the COPY formats FILE's statements used, in order, e.g.
# "binary csv".
formats() {
	grep -o 'FROM STDIN (FORMAT [a-z]*)' "$1" | sed 's/.*FORMAT \([a-z]*\))/\1/' |
		tr '\n' ' ' | sed 's/ $//'
}
# numbered FIRST < values: a CSV file "n,v", one row a value line,
# numbered from FIRST (an empty line is a NULL value).
numbered() {
	awk -v first="$1" 'BEGIN { print "n,v" } { print first + NR - 1 "," $0 }'
}
# differences A B COLUMNS: rows of COLUMNS in one table and not the
# other, both ways (EXCEPT ALL), counted.
differences() {
	sql "$db" "SELECT (SELECT count(*) FROM (SELECT $3 FROM $1 EXCEPT ALL SELECT $3 FROM $2) a)
		+ (SELECT count(*) FROM (SELECT $3 FROM $2 EXCEPT ALL SELECT $3 FROM $1) b)"
}
# texts TABLE [WHERE]: every value's text, in n order.
texts() {
	sql "$db" "SELECT string_agg(n || '=' || coalesce(v::text, 'NULL'), ' | ' ORDER BY n)
		FROM $1 ${2:+WHERE $2}"
}

# check_type NAME TYPE REJECTS: loads $work/NAME.good (canonical values)
# and $work/NAME.odd (anything else) into tables of (n int, v TYPE), as
# CSV and as binary, and compares.  REJECTS: how many odd values the
# server refuses.
check_type() {
	local name=$1 type=$2 rejects=$3 equal="n, v" switch='^0\|binary csv'
	[ "$type" = json ] && equal="n, v::text"	# json has no equality
	[ -s "$work/$name.odd" ] || switch='^0\|binary$'	# nothing odd
	for table in csv mixed single good; do
		sql "$db" "CREATE TABLE ${name}_$table (n int, v $type)" >/dev/null
	done
	numbered 1 < "$work/$name.good" > "$work/$name.good.csv"
	{ numbered 1 < "$work/$name.good"; numbered 1001 < "$work/$name.odd" | tail -n +2; } \
		> "$work/$name.csv"

	logged ferry-load -t "${name}_good" --mode copy --format binary \
		"$work/$name.good.csv" 2> "$work/$name.good.log"
	is "$?|$(formats "$work/$name.good.log")" "0|binary" \
		"$type: canonical values load in one binary COPY, no CSV"
	ferry-load -t "${name}_csv" --mode copy --format csv \
		--rejects "$work/$name.csv.rejects" "$work/$name.csv" 2>/dev/null
	is "$?|$(($(wc -l < "$work/$name.csv.rejects") - 1))|$(sql "$db" "SELECT count(*) FROM ${name}_csv")" \
		"0|$rejects|$(($(wc -l < "$work/$name.csv") - 1 - rejects))" \
		"$type: --format csv loads every value but the $rejects the server refuses"
	is "$(texts "${name}_good")" "$(texts "${name}_csv" "n < 1000")" \
		"$type: the canonical values' texts are the same through CSV and binary"

	# Every value in one batch: binary until the first value the encoder
	# cannot take, then CSV for the rest of the batch.
	logged ferry-load -t "${name}_mixed" --mode copy --format binary \
		--rejects "$work/$name.mixed.rejects" "$work/$name.csv" 2> "$work/$name.mixed.log"
	like "$?|$(formats "$work/$name.mixed.log")" "$switch" \
		"$type: one batch: binary, then CSV from the first odd value"
	is "$(differences "${name}_csv" "${name}_mixed" "$equal")" 0 \
		"$type: one batch: the same rows as CSV's (EXCEPT ALL both ways)"
	is "$(texts "${name}_mixed")" "$(texts "${name}_csv")" \
		"$type: one batch: every value's text is CSV's"
	same_file "$type: one batch: the same rejects as CSV's, lines and messages" \
		"$work/$name.csv.rejects" "$work/$name.mixed.rejects"

	# A batch a row: each value tried in binary on its own first.
	ferry-load -t "${name}_single" --mode copy --format binary --batch-rows 1 \
		--rejects "$work/$name.single.rejects" "$work/$name.csv" 2>/dev/null
	is "$?|$(differences "${name}_csv" "${name}_single" "$equal")" "0|0" \
		"$type: a row a batch: the same rows as CSV's"
	is "$(texts "${name}_single")" "$(texts "${name}_csv")" \
		"$type: a row a batch: every value's text is CSV's"
	same_file "$type: a row a batch: the same rejects as CSV's" \
		"$work/$name.csv.rejects" "$work/$name.single.rejects"
}

# values NAME KIND: stdin, one CSV field a line, as $work/NAME.KIND.
values() { cat > "$work/$1.$2"; }

values bool good <<'EOF'
t
f

EOF
values bool odd <<'EOF'
true
false
yes
no
1
0
T
 t
on
maybe
""
EOF
check_type bool boolean 2

values int2 good <<'EOF'
0
1
-1
-0
+5
007
32767
-32768

EOF
values int2 odd <<'EOF'
32768
-32769
 5
5 
1.0
1e3
""
abc
0x10
--1
+
-
99999999999999999999
EOF
check_type int2 smallint 11

values int4 good <<'EOF'
0
-0
+42
2147483647
-2147483648
000000000000000000001

EOF
values int4 odd <<'EOF'
2147483648
-2147483649
 7
7 
""
1_000
4294967296
EOF
check_type int4 integer 5

values int8 good <<'EOF'
0
9223372036854775807
-9223372036854775808
+9223372036854775807
-1

EOF
values int8 odd <<'EOF'
9223372036854775808
-9223372036854775809
18446744073709551616
99999999999999999999999
 1
""
EOF
check_type int8 bigint 5

values numeric good <<'EOF'
0
0.000
-0
-0.000
-0.5
0.00000000000000000001
1234567890123456789012345678901234567890
-1234567890123456789012345678901234567890.1234567890123456789012345678901234567890
1.10
1.1000
100000000
10000
9999
0.0001
0.00010000
-12345678.90123
00012.50
1.5
10000.0001
99999999.995

EOF
values numeric odd <<'EOF'
NaN
Infinity
-Infinity
1e-20
1E5
.5
5.
+5
 5
""
abc
"1,5"
1.2.3
-
EOF
check_type numeric numeric 5

values numeric_10_2 good <<'EOF'
0
1.005
1.004
-1.005
12345678.99
99999999.994
0.001
-0.0049
123.456789
-0.00

EOF
values numeric_10_2 odd <<'EOF'
99999999.995
123456789
-123456789.1
NaN
Infinity
1e2
+1.5
EOF
check_type numeric_10_2 'numeric(10,2)' 4

values text good <<'EOF'

""
plain
"a,b"
"say ""hi"""
日本語のテキスト
𝄞 4-byte
"  spaces  "
\.
\N
"	tab"
EOF
values text odd <<'EOF'
EOF
check_type text text 0

values varchar good <<'EOF'
abcde
日本語ab
""
"abcde   "
a

EOF
values varchar odd <<'EOF'
abcdef
日本語のテキ
"ab cdef"
EOF
check_type varchar 'varchar(5)' 3

values bpchar good <<'EOF'
abc
ab
""
"abc  "
日本

EOF
values bpchar odd <<'EOF'
abcd
EOF
check_type bpchar 'char(3)' 1

long63=$(printf 'n%.0s' $(seq 63))
values name good <<EOF
short
$long63
""

EOF
values name odd <<EOF
${long63}x
$(printf '日%.0s' $(seq 30))
EOF
check_type name name 0

values enum good <<'EOF'
sad
ok
happy

EOF
values enum odd <<'EOF'
SAD
angry
""
 ok
EOF
check_type enum mood 4

values domain good <<'EOF'
1
2147483647

EOF
values domain odd <<'EOF'
0
-1
x
 3
EOF
check_type domain positive 3

values uuid good <<'EOF'
a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11
A0eeBC99-9c0B-4Ef8-bB6D-6bB9bD380A11
00000000-0000-0000-0000-000000000000
ffffffff-ffff-ffff-ffff-ffffffffffff

EOF
values uuid odd <<'EOF'
{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}
a0eebc999c0b4ef8bb6d6bb9bd380a11
a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11
a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1
g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11x
""
EOF
check_type uuid uuid 4

values json good <<'EOF'
"{""a"": 1}"
[]
null
"""str"""
"{ ""b"" : 2 }"
"{""a"":1,""a"":2}"

EOF
values json odd <<'EOF'
{bad
""
"{""a"": 1"
EOF
check_type json json 3

values jsonb good <<'EOF'
"{""a"": 1}"
"{""b"":2,""a"":1}"
"[1, 2.50, 1e2]"
"{""a"":1,""a"":2}"
"""\u00e9"""
null

EOF
values jsonb odd <<'EOF'
{bad
"""\u0000"""
""
EOF
check_type jsonb jsonb 3

values date good <<'EOF'
0001-01-01
1999-12-31
2000-01-01
2000-02-29
1900-02-28
9999-12-31
2024-02-29
1970-01-01
1600-03-01

EOF
values date odd <<'EOF'
infinity
-infinity
0001-01-01 BC
1900-02-29
2000-02-30
2023-02-29
2000-04-31
10000-01-01
2000-1-1
20000101
 2000-01-01
epoch
0000-01-01
""
EOF
check_type date date 6

values timestamp good <<'EOF'
0001-01-01 00:00:00
1999-12-31 23:59:59.999999
2000-01-01 00:00:00
2000-02-29 12:00:00
1900-02-28 23:59:59
9999-12-31 23:59:59.999999
2000-01-01 00:00:00.1
2000-01-01 00:00:00.12
2000-01-01 00:00:00.123
2000-01-01 00:00:00.1234
2000-01-01 00:00:00.12345
2000-01-01 00:00:00.123456
1969-12-31 23:59:59.000001
2000-01-01 00:00:00.000000

EOF
values timestamp odd <<'EOF'
infinity
-infinity
0044-03-15 12:00:00 BC
1900-02-29 00:00:00
2000-01-01 24:00:00
2000-01-01 23:59:60
2000-01-01 00:00:00.1234567
2000-01-01 00:00:00+05
2000-01-01T00:00:00
2000-01-01
 2000-01-01 00:00:00
10000-01-01 00:00:00
2000-13-01 00:00:00
2000-01-01 00:60:00
2000-01-01 00:00:00.
epoch
""
EOF
check_type timestamp timestamp 4

values timestamptz good <<'EOF'
0001-01-01 00:00:00+00
1999-12-31 23:59:59.999999+00
2000-01-01 00:00:00+00
2000-02-29 12:00:00+00
1900-02-28 23:59:59+00
9999-12-31 23:59:59.999999+00
2000-01-01 00:00:00.1+00
2000-01-01 00:00:00.12+00
2000-01-01 00:00:00.123+00
2000-01-01 00:00:00.1234+00
2000-01-01 00:00:00.12345+00
2000-01-01 00:00:00.123456+00
2000-01-01 05:30:00+05:30
1999-12-31 23:59:59.999999-03:30:15
2000-01-01 00:00:00-00
2000-01-01 00:00:00+00:00:00
0001-01-01 00:00:00+01
0001-01-01 00:00:00-15:59:59
9999-12-31 23:59:59.999999+15:59:59
9999-12-31 23:59:59.999999-15
2000-03-01 00:00:00+15

EOF
values timestamptz odd <<'EOF'
infinity
-infinity
0044-03-15 12:00:00+00 BC
2000-01-01 00:00:00+16
2000-01-01 00:00:00-16:00
2000-01-01 00:00:00
2000-01-01 00:00:00 UTC
2000-01-01 00:00:00+0530
2000-01-01 00:00:00+5
2000-01-01 00:00:00+05:60
2000-01-01 00:00:00+05:30:60
2000-02-30 00:00:00+00
2000-01-01 23:59:60+00
2000-01-01 00:00:00.1234567+00
epoch
""
EOF
check_type timestamptz timestamptz 6

values float4 good <<'EOF'
0
-0
1.5
0.1
3.4028235e+38
-1.1e+10
123456789
1.17549435e-38
7E-3

EOF
values float4 odd <<'EOF'
NaN
Infinity
-Infinity
3.5e38
1e-50
1e-45
0.1234567890123
 1
1.5.1
0x10
inf
""
EOF
check_type float4 real 4

values float8 good <<'EOF'
0.1
-0
1.7976931348623157e+308
2.2250738585072014e-308
1e+300
123.456
-5.5E-5
1

EOF
values float8 odd <<'EOF'
NaN
Infinity
1e400
1e-400
5e-324
0.12345678901234567890
 1
""
EOF
check_type float8 'double precision' 3

# The comparisons catch a wrong encoding: a numeric weight off by one
# (the value times 10000) in a single row is a difference.
sql "$db" "CREATE TABLE numeric_wrong AS SELECT n, CASE WHEN n = 5 THEN v * 10000 ELSE v END AS v
	FROM numeric_mixed" >/dev/null
is "$(differences numeric_csv numeric_wrong "n, v")" 2 \
	"a numeric weight off by one in one row is a difference both ways"
isnt_texts() { [ "$(texts numeric_csv)" != "$(texts numeric_wrong)" ]; }
ok "... and a difference of texts" isnt_texts

# --- whole rows, modes and refused batches ---------------------------

sql "$db" "CREATE TABLE inet_table (id int, address inet)" >/dev/null
printf 'id,address\n1,10.0.0.1\n' > "$work/inet.csv"
exits 2 "--format binary with a column no encoder takes: exit 2" \
	ferry-load -t inet_table --mode copy --format binary "$work/inet.csv"
like "$(cat "$work/stderr")" 'column "address" is inet, which has no binary encoder' \
	"... naming the column and its type"
exits 0 "--format auto with such a column: exit 0" \
	ferry-load -t inet_table --mode copy --progress "$work/inet.csv"
like "$(cat "$work/stderr")" 'inet_table: CSV COPY \(column "address" is inet' \
	"... in CSV, which --progress says once"
is "$(grep -c 'CSV COPY' "$work/stderr")" 1 "... once"
exits 0 "--format auto without --progress says nothing of it" \
	ferry-load -t inet_table --mode copy "$work/inet.csv"
unlike "$(cat "$work/stderr")" 'COPY|encoder' "... no warning on every run"
exits 2 "--format xml: exit 2" ferry-load -t inet_table --format xml "$work/inet.csv"

# Rows of the bench's shape, some with values only CSV takes, keys
# repeated inside the input; the first of a repeated key must win in
# skip mode whichever format carried it.
for table in rows_csv rows_binary; do
	sql "$db" "CREATE TABLE $table (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
		legacy_id int NOT NULL UNIQUE, amount numeric(12,2), note text NOT NULL,
		created_at timestamptz, flag boolean, kind mood)" >/dev/null
done
cat > "$work/rows.csv" <<'EOF'
legacy_id,amount,note,created_at,flag,kind
1,10.50,first,2020-01-01 00:00:00+00,t,ok
2,20,second,infinity,f,sad
1,99.99,repeated key: skipped,2020-01-02 00:00:00+00,f,ok
3,30.333,third,2020-01-03 12:00:00.5+02,true,happy
4,,fourth,,,
3,0,repeated key again,2020-01-04 00:00:00+00,t,ok
5,12345678901.00,"too big for numeric(12,2)",2020-01-05 00:00:00+00,t,ok
6,1,bad enum,2020-01-06 00:00:00+00,t,angry
7,-7.25,seventh,1999-12-31 23:59:59.999999-03:30,f,sad
EOF
for format in csv binary; do
	logged ferry-load -t "rows_$format" --key legacy_id --format "$format" --batch-rows 4 \
		--rejects "$work/rows.$format.rejects" "$work/rows.csv" 2> "$work/rows.$format.log"
	echo "exit $?" >> "$work/rows.$format.log"
done
like "$(formats "$work/rows.binary.log")" '^binary csv' "skip, binary: the first batch starts binary and falls back to CSV"
is "$(grep -c '^exit 0' "$work/rows.binary.log")" 1 "skip, binary: exit 0"
like "$(cat "$work/rows.binary.log")" "read 9, inserted 5, skipped 2, updated 0, rejected 2" \
	"skip, binary: 5 inserted, 2 repeated keys skipped, 2 rejected"
like "$(cat "$work/rows.csv.log")" "read 9, inserted 5, skipped 2, updated 0, rejected 2" \
	"skip, CSV: the same counts"
rows_text() {
	sql "$db" "SELECT string_agg(concat_ws(';', legacy_id, amount, note, created_at, flag, kind), ' | '
		ORDER BY legacy_id) FROM $1"
}
is "$(rows_text rows_binary)" "$(rows_text rows_csv)" "skip: the same rows, the first of each repeated key"
like "$(rows_text rows_binary)" "^1;10.50;first;.*3;30.33;third;2020-01-03 10:00:00.5\+00;t;happy" \
	"skip: the first of a repeated key won, values as the server reads them"
same_file "skip: the same rejects as CSV's" "$work/rows.csv.rejects" "$work/rows.binary.rejects"
is "$(differences rows_csv rows_binary "legacy_id, amount, note, created_at, flag, kind")" 0 \
	"skip: EXCEPT ALL both ways finds nothing"

exits 0 "skip, binary, re-run: exit 0" \
	ferry-load -t rows_binary --key legacy_id --format binary "$work/rows.csv"
like "$(cat "$work/stderr")" "read 9, inserted 0, skipped 7, updated 0, rejected 2" \
	"skip, binary, re-run: nothing inserted"

# upsert: changed, unchanged and new rows, binary only and mixed.
cat > "$work/upsert.csv" <<'EOF'
legacy_id,amount,note,created_at,flag,kind
1,10.50,first,2020-01-01 00:00:00+00,t,ok
2,21,second changed,infinity,f,sad
4,4.00,fourth now set,2020-01-04 00:00:00+00,f,happy
8,8,new,2020-01-08 00:00:00+00,t,ok
EOF
for format in csv binary; do
	exits 0 "upsert, $format: exit 0" ferry-load -t "rows_$format" --key legacy_id \
		--mode upsert --format "$format" "$work/upsert.csv"
	like "$(cat "$work/stderr")" "read 4, inserted 1, skipped 1, updated 2, rejected 0" \
		"upsert, $format: 1 inserted, 1 unchanged, 2 updated"
done
is "$(rows_text rows_binary)" "$(rows_text rows_csv)" "upsert: the same rows through binary as through CSV"

# Refused batches in copy mode: a NOT NULL and a unique violation,
# refused by the binary COPY, are isolated to the same rows, with the
# same messages, as CSV's.
sql "$db" "CREATE TABLE refused (id int PRIMARY KEY, note text NOT NULL, at timestamptz)" >/dev/null
{
	echo "id,note,at"
	for i in $(seq 1 40); do
		case $i in
		7) echo "7,,2020-01-01 00:00:00+00" ;;		# NOT NULL
		13) echo "3,dup of 3,2020-01-01 00:00:00+00" ;;	# unique
		21) echo "21,fallback,2020-01-01T00:00:00Z" ;;	# CSV only
		29) echo "29,,infinity" ;;			# NOT NULL, after it
		33) echo "33,bad time,2020-02-30 00:00:00+00" ;;	# invalid
		*) echo "$i,row $i,2020-01-01 00:00:$(printf %02d $((i % 60)))+00" ;;
		esac
	done
} > "$work/refused.csv"
for batch in 1000 8; do
	for format in csv binary; do
		sql "$db" "TRUNCATE refused" >/dev/null
		exits 0 "refused rows, $format, batches of $batch: exit 0" \
			ferry-load -t refused --mode copy --format "$format" \
			--batch-rows "$batch" --rejects "$work/refused.$format.$batch.rejects" \
			"$work/refused.csv"
		like "$(cat "$work/stderr")" "read 40, inserted 36, skipped 0, updated 0, rejected 4" \
			"refused rows, $format, batches of $batch: 36 inserted, 4 rejected"
		sql "$db" "CREATE TABLE refused_${format}_$batch AS TABLE refused" >/dev/null
	done
	same_file "refused rows, batches of $batch: binary isolates the same rejects as CSV" \
		"$work/refused.csv.$batch.rejects" "$work/refused.binary.$batch.rejects"
	is "$(differences "refused_csv_$batch" "refused_binary_$batch" "id, note, at")" 0 \
		"refused rows, batches of $batch: the same rows loaded"
done
is "$(tail -n +2 "$work/refused.binary.1000.rejects" | cut -d, -f4 | tr '\n' ' ')" "8 14 30 34 " \
	"refused rows: the rejects' input lines"
rejects_text=$(cat "$work/refused.binary.1000.rejects")
like "$rejects_text" 'null value in column ""note"" of relation ""refused"" violates not-null' \
	"refused rows: the server's not-null message"
like "$rejects_text" 'violates unique constraint ""refused_pkey"" \(Key \(id\)=\(3\) already exists.\)' \
	"refused rows: the server's unique violation message"
like "$rejects_text" 'date/time field value out of range: ""2020-02-30 00:00:00\+00""' \
	"refused rows: the server's message for a bad date"

done_testing
