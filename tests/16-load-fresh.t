#!/bin/bash
# ferry-load --fresh: an empty table loaded in one transaction, its
# indexes dropped and built again after the rows; a duplicate key found
# then names the keys and leaves the table as it was.  And refused rows
# are isolated by COPY's line number also after multi-line records (the
# server counts the newlines inside quoted fields).
. "$(dirname "$0")/lib.sh"

fresh_db fresh
sql fresh "CREATE TABLE parent (id int PRIMARY KEY);
	CREATE TABLE t (id uuid PRIMARY KEY, legacy_id int NOT NULL UNIQUE,
		code text, note text, at timestamptz, parent_id int REFERENCES parent);
	CREATE INDEX t_code ON t (code);
	CREATE TABLE child (t_id uuid REFERENCES t (id));
	INSERT INTO parent SELECT generate_series(1, 10)" >/dev/null
indexes() {
	sql fresh "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 't'"
}
before=$(indexes)
# N rows from legacy id FROM on; every 7th note is three lines long;
# with NULL_EVERY, every such row has a NULL legacy id.
rows() {
	echo "id,legacy_id,code,note,at,parent_id"
	awk -v n="$1" -v from="$2" -v null_every="${3:-0}" 'BEGIN {
		for (i = from; i < from + n; i++) {
			note = (i % 7 == 0) ? "\"line one\nline two\nline three\"" : "note " i
			legacy = (null_every && i % null_every == 0) ? "" : i
			printf "%08x-0000-4000-8000-%012x,%s,c%d,%s,2024-01-01 00:00:%02d+00,%d\n",
				i, i, legacy, i % 50, note, i % 60, i % 10 + 1
		}
	}'
}
rows 5000 1 > "$work/rows.csv"

exits 0 "--fresh into an empty table" \
	ferry-load -d dbname=fresh -t t --fresh --key legacy_id --summary "$work/summary.json" "$work/rows.csv"
like "$(cat "$work/summary.json")" '"read": 5000, "inserted": 5000' "every row inserted"
like "$(cat "$work/summary.json")" '"format": "binary"' "in binary COPY (every column type has an encoder)"
is "$(sql fresh "SELECT count(*), count(DISTINCT legacy_id) FROM t")" "5000|5000" "the table holds them"
is "$(indexes)" "$before" "the same indexes as before, built again (primary key, unique, plain)"
is "$(sql fresh "SELECT count(*) FROM pg_constraint WHERE conrelid = 't'::regclass")" 3 \
	"and the same constraints: primary key, unique, foreign key to parent"
is "$(sql fresh "SELECT count(*) FROM pg_constraint WHERE conrelid = 'child'::regclass")" 1 \
	"the foreign key of child on t's primary key is kept (that index stays)"

exits 4 "--fresh into a table that is not empty: refused" \
	ferry-load -d dbname=fresh -t t --fresh "$work/rows.csv"
like "$(cat "$work/stderr")" "t is not empty: --fresh loads an empty table only" "the message says why"
is "$(sql fresh "SELECT count(*) FROM t")" 5000 "nothing was added"

# Duplicated keys: found when the unique index is built after the rows.
sql fresh "TRUNCATE t CASCADE" >/dev/null
{ rows 3000 1; rows 2 1001 | tail -n +2 | sed 's/^00000/10000/'; rows 1 2002 | tail -n +2 | sed 's/^00000/20000/'; } \
	> "$work/dup.csv"
exits 1 "--fresh: rows that break a unique key: exit 1" \
	ferry-load -d dbname=fresh -t t --fresh --key legacy_id --summary "$work/summary.json" "$work/dup.csv"
like "$(cat "$work/stderr")" \
	'unique violation \(t_legacy_id_key\) when it was built after the rows: \(legacy_id\)=\(1001\) 2 rows, \(legacy_id\)=\(1002\) 2 rows, \(legacy_id\)=\(2002\) 2 rows: nothing was loaded' \
	"the message names the constraint and every duplicated key"
is "$(sql fresh "SELECT count(*) FROM t")" 0 "the table is empty: the load rolled back"
is "$(indexes)" "$before" "with every index"
like "$(cat "$work/summary.json")" '"status": "failed' "the summary says it failed"
like "$(cat "$work/summary.json")" '"inserted": 0' "and that nothing was inserted"

# A refused row in --fresh: isolated like in copy mode, the rest loads.
{ rows 3000 1; echo "00000000-0000-4000-8000-999999999999,,c,a NULL legacy id,2024-01-01 00:00:00+00,1"; } \
	> "$work/null.csv"
exits 0 "--fresh with a refused row" \
	ferry-load -d dbname=fresh -t t --fresh --rejects "$work/rejects.csv" "$work/null.csv"
is "$(sql fresh "SELECT count(*) FROM t")" 3000 "the other rows load"
is "$(tail -n +2 "$work/rejects.csv" | grep -c 'a NULL legacy id')" 1 "the refused row is the reject"
sql fresh "TRUNCATE t CASCADE" >/dev/null
exits 1 "--fresh with rejects past --max-rejects: exit 1" \
	ferry-load -d dbname=fresh -t t --fresh --max-rejects 0 --batch-rows 500 \
	--summary "$work/summary.json" "$work/null.csv"
like "$(cat "$work/stderr")" "rejects passed --max-rejects 0: nothing was loaded \(--fresh\)" \
	"the message says nothing was loaded"
is "$(sql fresh "SELECT count(*) FROM t")|$(indexes)" "0|$before" \
	"the table is as it was: the batches before the refused one are rolled back too"
like "$(cat "$work/summary.json")" '"inserted": 0, ' "the summary counts nothing inserted"

# --- isolation by COPY's line number after multi-line records -------------
# Bad rows after rows whose notes span three lines: COPY's line numbers
# count those lines; the rejects must be exactly the bad rows.
sql fresh "TRUNCATE t CASCADE" >/dev/null
rows 2000 1 | awk -F, 'NR > 1 && NR % 97 == 0 { sub(/,2024-01-01 00:00:[0-9][0-9]\+00,/, ",2024-13-45 00:00:00+00,") } { print }' \
	> "$work/bad-dates.csv"
bad=$(grep -c '2024-13-45' "$work/bad-dates.csv")
for mode in copy skip; do
	sql fresh "TRUNCATE t CASCADE" >/dev/null
	exits 0 "$mode mode: bad dates after multi-line rows" \
		ferry-load -d dbname=fresh -t t --mode $mode --key legacy_id --batch-rows 500 \
		--rejects "$work/rejects-$mode.csv" "$work/bad-dates.csv"
	is "$(tail -n +2 "$work/rejects-$mode.csv" | grep -c '2024-13-45')|$(sql fresh "SELECT count(*) FROM t")" \
		"$bad|$((2000 - bad))" "$mode mode: the $bad rejects are the bad rows, every other row loads"
done
rows 2000 1 89 > "$work/null-ids.csv"
bad=$(grep -c '^[0-9a-f-]*,,' "$work/null-ids.csv")
sql fresh "TRUNCATE t CASCADE" >/dev/null
exits 0 "copy mode: NULL ids after multi-line rows" \
	ferry-load -d dbname=fresh -t t --mode copy --rejects "$work/rejects-null.csv" "$work/null-ids.csv"
is "$(tail -n +2 "$work/rejects-null.csv" | grep -c '^[0-9a-f-]*,,')|$(sql fresh "SELECT count(*) FROM t")" \
	"$bad|$((2000 - bad))" "copy mode: the $bad NOT NULL rejects are the bad rows"

done_testing
