#!/bin/bash
# ferry-verify table: a staged file against its loaded table, values
# canonicalised through the server, differences named by key, rows load
# rejected left out, and the target never written.
. "$(dirname "$0")/lib.sh"

db=verify_table
fresh_db $db
sql $db "CREATE TABLE payments (
	id integer PRIMARY KEY,
	legacy_id integer UNIQUE,
	payer text,
	amount numeric(10,2) NOT NULL,
	paid_at timestamptz,
	tags text[],
	meta jsonb,
	loaded_at timestamptz DEFAULT now())"
sql $db "INSERT INTO payments (id, legacy_id, payer, amount, paid_at, tags, meta) VALUES
	(1, 101, 'Ada', 1.50, '2024-01-01 10:00:00+02', '{a,b}', '{\"b\": 1, \"a\": 2}'),
	(2, 102, NULL, 2.00, '2024-01-02 00:00:00+00', '{}', NULL),
	(3, 103, '', 3.00, NULL, NULL, '[]'),
	(4, 104, 'O''Brien, J', 4.25, '2024-05-05 12:30:00+00', '{\"x y\"}', '{}')"

# The staged file says the same things in other words: 1.5 for 1.50, another
# time zone, jsonb keys in another order, needless quotes.
cat >"$work/staged.csv" <<'CSV'
id,legacy_id,payer,amount,paid_at,tags,meta
1,101,Ada,1.5,2024-01-01 09:00:00+01,"{a,b}","{""a"": 2, ""b"": 1}"
2,102,,2,2024-01-02 00:00:00+00,{},
3,103,"",3.000,,,[]
4,104,"O'Brien, J",4.25,2024-05-05 12:30:00Z,"{""x y""}",{}
CSV
before=$(sql $db "SELECT count(*), max(loaded_at) FROM payments")

exits 0 "the same rows in other words: no alarm" \
	ferry-verify table -d "dbname=$db" -t payments "$work/staged.csv"
staged=$(sed -n 's/^staged //p' "$work/stdout")
table=$(sed -n 's/^table //p' "$work/stdout")
file=$(sed -n 's/^file //p' "$work/stdout")
is "$staged" "$table" "the staged and table digests are equal"
like "$table" '^rows=4 digest=[0-9a-f]{32}$' "rows=4 digest=HEX"
is "$file" "$(ferry-verify digest "$work/staged.csv")" "the file line is the file's own digest"
unlike "$file" "^$table\$" "which differs from the canonical one (1.5 is not 1.50 as text)"
is "$(ferry-extract -d "dbname=$db" -q 'SELECT id, legacy_id, payer, amount, paid_at, tags, meta FROM payments' 2>/dev/null | ferry-verify digest 2>/dev/null || echo no-extract)" \
	"$(if command -v ferry-extract >/dev/null; then echo "$table"; else echo no-extract; fi)" \
	"the table digest is the digest of ferry-extract's output (when ferry-extract is built)"

# Real differences, named by the primary key (the default key).
cat >"$work/wrong.csv" <<'CSV'
id,legacy_id,payer,amount,paid_at,tags,meta
1,101,Ada,1.51,2024-01-01 08:00:00+00,"{a,b}","{""a"": 2, ""b"": 1}"
2,102,"",2,2024-01-02 00:00:00+00,{},
3,103,"",3,,,[]
5,105,New,5,,,
CSV
exits 1 "a real difference: exit 1" \
	ferry-verify table -d "dbname=$db" -t payments "$work/wrong.csv"
is "$(grep -v '^[a-z]* rows=' "$work/stdout")" "differs: id=1: amount (line 2)
differs: id=2: payer (line 3)
only in table: id=4
only in file: id=5 (line 5)" "named by key: 1.51, NULL vs \"\", a row missing, a row extra"

exits 1 "--key legacy_id names rows by the legacy key" \
	ferry-verify table -d "dbname=$db" -t payments --key legacy_id "$work/wrong.csv"
like "$(cat "$work/stdout")" "differs: legacy_id=101: amount" "legacy_id=101"
exits 1 "--limit 1" \
	ferry-verify table -d "dbname=$db" -t payments --limit 1 "$work/wrong.csv"
is "$(grep -vc '^[a-z]* rows=' "$work/stdout")" 1 "one difference shown"
exits 0 "--exclude the differing columns and keep the matching rows" \
	ferry-verify table -d "dbname=$db" -t payments --exclude amount,payer,paid_at \
	<(head -4 "$work/wrong.csv"; sed -n 5p "$work/staged.csv")

# Rows that load rejected are left out of the staged side.
cat >"$work/loaded.csv" <<'CSV'
id,legacy_id,payer,amount,paid_at,tags,meta
1,101,Ada,1.5,2024-01-01 08:00:00+00,"{a,b}","{""a"": 2, ""b"": 1}"
9,109,Too big,123456789.00,,,
2,102,,2,2024-01-02 00:00:00+00,{},
3,103,"",3,,,[]
"4","104","O'Brien, J",4.25,2024-05-05 12:30:00+00,"{""x y""}",{}
CSV
cat >"$work/rejects.csv" <<'CSV'
id,legacy_id,payer,amount,paid_at,tags,meta,_line,_reason
9,109,Too big,123456789.00,,,,3,numeric field overflow
CSV
exits 0 "--rejects: the rejected row is left out" \
	ferry-verify table -d "dbname=$db" -t payments --rejects "$work/rejects.csv" "$work/loaded.csv"
like "$(cat "$work/stderr")" "1 rejected" "the summary counts it"
exits 1 "without --rejects the server refuses that row: exit 1" \
	ferry-verify table -d "dbname=$db" -t payments "$work/loaded.csv"
like "$(cat "$work/stderr")" "loaded.csv:3: record 2: table payments refuses this row: numeric field overflow" \
	"naming the file, line and record"
sed 's/,3,numeric/,4,numeric/' "$work/rejects.csv" >"$work/wrong-rejects.csv"
exits 3 "a reject file that does not match the file: exit 3" \
	ferry-verify table -d "dbname=$db" -t payments --rejects "$work/wrong-rejects.csv" "$work/loaded.csv"
like "$(cat "$work/stderr")" "wrong-rejects.csv:2: _line 4: .*loaded.csv:4 holds another row" \
	"naming both places"

# A table that holds more than the file: --subset checks the file's keys only.
head -3 "$work/staged.csv" >"$work/part.csv"
exits 1 "rows of the table not in the file are differences by default" \
	ferry-verify table -d "dbname=$db" -t payments "$work/part.csv"
is "$(grep '^only' "$work/stdout")" "only in table: id=3
only in table: id=4" "named"
exits 0 "--subset: only the file's keys are checked" \
	ferry-verify table -d "dbname=$db" -t payments --subset "$work/part.csv"
like "$(cat "$work/stdout")" "^file rows=2" "two rows"

# Without any key: whole rows.
sql $db "CREATE TABLE notes (body text, n integer)"
sql $db "INSERT INTO notes VALUES ('a', 1), ('b', 2), ('b', 2)"
printf 'body,n\nb,2\na,1\nb,02\n' >"$work/notes.csv"
exits 0 "no key, duplicates and 02 for 2: equal" \
	ferry-verify table -d "dbname=$db" -t notes "$work/notes.csv"
printf 'body,n\nb,2\na,1\nc,3\n' >"$work/notes2.csv"
exits 1 "no key: a difference" ferry-verify table -d "dbname=$db" -t notes "$work/notes2.csv"
is "$(grep '^only' "$work/stdout")" "only in file: body=c, n=3
only in table: body=b, n=2" "whole rows named"

# Errors.
exits 4 "a missing table: exit 4" ferry-verify table -d "dbname=$db" -t nope "$work/staged.csv"
like "$(cat "$work/stderr")" 'relation "nope" does not exist' "the server's message"
exits 4 "a missing database: exit 4" ferry-verify table -d "dbname=nope_$db" -t payments "$work/staged.csv"
printf 'id,colour\n1,red\n' >"$work/alien.csv"
exits 3 "a column the table lacks: exit 3" ferry-verify table -d "dbname=$db" -t payments "$work/alien.csv"
like "$(cat "$work/stderr")" "column colour is not in table payments" "named"
exits 2 "no -t: usage" ferry-verify table -d "dbname=$db" "$work/staged.csv"
exits 2 "--subset without a key: usage" ferry-verify table -d "dbname=$db" -t notes --subset "$work/notes.csv"
printf 'id,legacy_id\n1,"101\n' >"$work/broken.csv"
exits 3 "malformed file: exit 3" ferry-verify table -d "dbname=$db" -t payments "$work/broken.csv"

is "$(sql $db "SELECT count(*), max(loaded_at) FROM payments")" "$before" \
	"the target was never written"
is "$(sql $db "SELECT count(*) FROM pg_class WHERE relname = 'ferry_verify_staged'")" 0 \
	"no staged table is left behind"

done_testing
