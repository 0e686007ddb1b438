#!/bin/bash
# Every bad input: its documented exit status, a message naming the input,
# line and record, and the target unchanged.  Rows the server refuses go
# to the rejects file with its message; the rest commits.
. "$(dirname "$0")/lib.sh"

fresh_db bad_target
sql bad_target "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL,
	qty int CHECK (qty >= 0), at timestamptz, code text UNIQUE);
	INSERT INTO t VALUES (100, 'before', 1, now(), 'c100')" >/dev/null
before=$(sql bad_target "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM t")
unchanged() { [ -n "$before" ] || fail "$1: no checksum of the target"; is "$(sql bad_target "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM t")" "$before" "$1: the target is unchanged"; }

# bad_input NAME EXPECTED_MESSAGE_PATTERN: the CSV in $work/in.csv.
bad_input() {
	exits 3 "$1: exit 3" ferry-load -d dbname=bad_target -t t --rejects "$work/rejects.csv" "$work/in.csv"
	like "$(cat "$work/stderr")" "$2" "$1: the message says where and what"
	unchanged "$1"
}

printf 'id,name,qty,at,code\n1,a,1,2024-01-01,c1\n2,"b,1,2024-01-01,c2\n' > "$work/in.csv"
bad_input "unterminated quote" "^ferry-load: $work/in.csv:3: record 2: unterminated quoted field"

printf 'id,name,qty,at,code\n1,a,1,2024-01-01,c1\n2,b,1,2024-01-01\n' > "$work/in.csv"
bad_input "ragged row" "in.csv:3: record 2: 4 fields, the header has 5"

printf 'id,name,qty,at,code\n1,a,1,2024-01-01,c1\n2,b\xff\xfe,1,2024-01-01,c2\n' > "$work/in.csv"
bad_input "invalid UTF-8" "in.csv:3: record 2: invalid UTF-8"

printf 'id,name,qty,at,code\n1,a,1,2024-01-01,c1\n2,b\000c,1,2024-01-01,c2\n' > "$work/in.csv"
bad_input "NUL byte" "in.csv:3: record 2: NUL byte"

printf 'id,name,qty,at,code\n1,"a"x,1,2024-01-01,c1\n' > "$work/in.csv"
bad_input "text after a closing quote" "in.csv:2: record 1: malformed quoting"

: > "$work/in.csv"
bad_input "empty input" "in.csv:1: record 0: empty input: no header line"

printf 'id,name,colour\n1,a,red\n' > "$work/in.csv"
bad_input "a header column the table lacks" 'in.csv:1: record 0: column "colour" is not in table t'

printf 'id,name,name\n1,a,b\n' > "$work/in.csv"
bad_input "a column named twice" 'in.csv:1: record 0: header: column "name" named twice'

exits 3 "a malformed stream on stdin names stdin" sh -c "printf 'id,name\n1,\"x\n' | ferry-load -d dbname=bad_target -t t"
like "$(cat "$work/stderr")" "^ferry-load: stdin:2: record 1: unterminated" "stdin is named stdin"

# A malformed row in the second batch: the first batch committed, none of
# the second (its COPY was aborted).
printf 'id,name,qty,at,code\n1,a,1,2024-01-01,c1\n2,b,1,2024-01-01,c2\n3,c,1,2024-01-01,c3\n4,"d\n' > "$work/in.csv"
exits 3 "a producer cut mid-record: exit 3" ferry-load -d dbname=bad_target -t t --batch-rows 2 "$work/in.csv"
is "$(sql bad_target "SELECT string_agg(id::text, ',' ORDER BY id) FROM t")" "1,2,100" \
	"the whole batches before it committed, none of the batch in flight"
sql bad_target "DELETE FROM t WHERE id < 100" >/dev/null

# Rows the server refuses.
cat > "$work/in.csv" <<'CSV'
id,name,qty,at,code
1,a,1,2024-01-01,c1
2,,1,2024-01-01,c2
3,c,-5,2024-01-01,c3
4,d,1,not a date,c4
5,e,1,2024-01-01,c1
6,"f, ""g""",2,2024-01-02,c6
7,h,1,2024-01-01,c100
CSV
for mode in skip copy upsert; do
	sql bad_target "DELETE FROM t WHERE id < 100" >/dev/null
	exits 0 "$mode: refused rows do not fail the load" \
		ferry-load -d dbname=bad_target -t t --mode "$mode" --rejects "$work/rejects.csv" \
		--summary "$work/summary.json" "$work/in.csv"
	like "$(cat "$work/summary.json")" '"rejected_by_reason": \{"not-null violation \(column name\)": 1, "check violation \(t_qty_check\)": 1, "invalid date or time \(column at\)": 1, "unique violation \(t_code_key\)": 2\}' \
		"$mode: the summary counts the rejects by kind"
	is "$(sql bad_target "SELECT string_agg(id::text, ',' ORDER BY id) FROM t")" "1,6,100" "$mode: the good rows committed"
	is "$(cut -d, -f1 "$work/rejects.csv" | tr '\n' ' ')" "id 2 3 4 5 7 " "$mode: the refused rows are in the rejects file"
	is "$(head -1 "$work/rejects.csv")" "id,name,qty,at,code,_line,_reason" "$mode: the rejects file has the input's columns, _line and _reason"
	like "$(grep '^2,' "$work/rejects.csv")" '^2,,1,2024-01-01,c2,3,"null value in column ""name""' "$mode: NOT NULL: its line and the server's message"
	like "$(grep '^3,' "$work/rejects.csv")" 'violates check constraint' "$mode: a check constraint"
	like "$(grep '^4,' "$work/rejects.csv")" '^4,d,1,not a date,c4,5,"invalid input syntax for type timestamp' "$mode: a bad timestamp"
	like "$(grep '^5,' "$work/rejects.csv")" 'duplicate key value violates unique constraint ""t_code_key""' "$mode: a collision on another unique key, within the input"
	like "$(grep '^7,' "$work/rejects.csv")" 'Key \(code\)=\(c100\) already exists' "$mode: a collision with a row already there"
	like "$(cat "$work/stderr")" "read 7, inserted 2, skipped 0, updated 0, rejected 5" "$mode: the summary counts the rejects"
done
is "$(stat -c %a "$work/rejects.csv")" 600 "the rejects file is mode 0600"

# The rejects file, with _line and _reason cut and the rows fixed, feeds
# back and completes the table.
cut_fields() { sed '1s/,_line,_reason$//; 2,$s/,[0-9]*,"[^"]*\(""[^"]*\)*"$//'; }
cut_fields < "$work/rejects.csv" | sed 's/^2,,/2,b,/; s/-5/5/; s/not a date/2024-01-04/; s/,c1$/,c5/; s/,c100$/,c7/' > "$work/fixed.csv"
exits 0 "the fixed rejects load" ferry-load -d dbname=bad_target -t t "$work/fixed.csv"
is "$(sql bad_target "SELECT string_agg(id::text, ',' ORDER BY id) FROM t")" "1,2,3,4,5,6,7,100" "the fixed rejects complete the table"

# --max-rejects: the batch that passes the budget is rolled back; exit 1.
sql bad_target "DELETE FROM t WHERE id < 100" >/dev/null
exits 1 "--max-rejects 4 with 5 rejects: exit 1" \
	ferry-load -d dbname=bad_target -t t --max-rejects 4 --rejects "$work/rejects.csv" "$work/in.csv"
like "$(cat "$work/stderr")" "rejects passed --max-rejects 4" "the message names the budget"
is "$(sql bad_target "SELECT count(*) FROM t WHERE id < 100")" 0 "nothing past the budget committed"
exits 0 "--max-rejects 5 with 5 rejects: exit 0" \
	ferry-load -d dbname=bad_target -t t --max-rejects 5 "$work/in.csv"

# Usage errors.
exits 2 "no -t: exit 2" ferry-load -d dbname=bad_target
exits 2 "an unknown mode: exit 2" ferry-load -t t --mode fast
exits 2 "--batch-rows 0: exit 2" ferry-load -t t --batch-rows 0
exits 2 "extract with -t and -q: exit 2" ferry-extract -t a -q 'select 1'
exits 2 "extract --range without a column: exit 2" ferry-extract -d dbname=bad_target -t t --range 1:2
exits 2 "a key the input lacks: exit 2" sh -c "printf 'name\nx\n' | ferry-load -d dbname=bad_target -t t"
like "$(cat "$work/stderr")" "key column id is not in the input's header" "the message names the key"
sql bad_target "CREATE TABLE nokey (a int, b int)" >/dev/null
exits 4 "a --key with no unique index: exit 4" sh -c "printf 'a,b\n1,2\n' | ferry-load -d dbname=bad_target -t nokey --key a"
like "$(cat "$work/stderr")" 'nokey has no unique index on \(a\)' "the message says the key needs a unique index"

# A dump that ends inside its COPY section.
fresh_db bad_source
sql bad_source "CREATE TABLE d (id int PRIMARY KEY, v text); INSERT INTO d SELECT g, 'v' || g FROM generate_series(1, 5) g" >/dev/null
pg_dump -t d bad_source | sed '/^\\\.$/,$d' > "$work/cut.sql"
exits 3 "a truncated dump: exit 3" ferry-extract --dump "$work/cut.sql" -t d
like "$(cat "$work/stderr")" "cut.sql:[0-9]+: end of file inside the COPY section" "the message names the file and line"
exits 3 "a dump without the table: exit 3" ferry-extract --dump "$work/cut.sql" -t nosuch
like "$(cat "$work/stderr")" "no COPY section for table nosuch" "the message names the table"

done_testing
