# bench/common.sh: what bench/load and bench/compare share, sourced by
# both (not a benchmark: not executable, so bench/run skips it).  The
# legacy table, the target table and the SELECT between them, so that
# both benchmarks load the same rows; and the arithmetic of their tables.

# 1M rows, scaled by FERRY_BENCH_SCALE; FERRY_BENCH_RUNS interleaved runs.
rows=$(awk -v s="${FERRY_BENCH_SCALE:-1}" 'BEGIN { printf "%d", 1000000 * s }')
runs=${FERRY_BENCH_RUNS:-5}

# The target's columns that the source provides (id is the target's own).
columns="legacy_record_id, target_type_id, target_id, type, text, author_id, created_at, group_id, public"

# make_legacy DB LAST: a fresh database DB holding dispatch_record with
# the rows of ids 1..LAST (about 300 bytes a row of CSV: text with commas,
# quotes and, one row in 7, a line break; author_id NULL one row in 9,800,
# group_id one in 5).  A row's values depend on its id alone, so the
# first million rows are the same whatever LAST is.
make_legacy() {
	dropdb --if-exists "$1" >/dev/null 2>&1
	createdb "$1"
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" <<SQL
CREATE TABLE dispatch_record (id serial PRIMARY KEY, target_type_id int,
	target_id int, type int, text text, author_id int,
	created_at timestamptz, group_id int, public boolean);
INSERT INTO dispatch_record
SELECT g, CASE WHEN g % 10 = 0 THEN 58 ELSE 11 END, g % 8500 + 1,
       (ARRAY[3, 5, 6, 8])[g % 4 + 1],
       'Patient note ' || g || ': ' || repeat(md5(g::text), 7) ||
       CASE WHEN g % 7 = 0 THEN E', with "quotes"\nand a second line' ELSE '' END,
       NULLIF(g % 9800, 0), timestamptz '2018-01-01' + g * interval '97 seconds',
       NULLIF(g % 5, 0), g % 2 = 0
  FROM generate_series(1, $2) g;
VACUUM ANALYZE dispatch_record;
SQL
}

# legacy_select [WHERE]: the SELECT that gives dispatch_record's rows the
# target's column names, in id order.
legacy_select() {
	echo "SELECT id AS legacy_record_id, target_type_id, target_id, type, text, author_id, created_at, group_id, public FROM dispatch_record${1:+ WHERE $1} ORDER BY id"
}

# messages_table [AUTHOR_TYPE [bare]]: the CREATE TABLE of the target:
# a uuid primary key and a unique legacy id; author_id int (the legacy
# id) unless AUTHOR_TYPE says otherwise (uuid, resolved through a map).
# bare: the same columns without the two indexes, to build them after.
messages_table() {
	local author=${1:-int}
	if [ "${2:-}" = bare ]; then
		echo "CREATE TABLE messages (id uuid NOT NULL DEFAULT gen_random_uuid(),
	legacy_record_id int NOT NULL, target_type_id int, target_id int,
	type int, text text, author_id $author, created_at timestamptz,
	group_id int, public boolean)"
	else
		echo "CREATE TABLE messages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	legacy_record_id int NOT NULL UNIQUE, target_type_id int, target_id int,
	type int, text text, author_id $author, created_at timestamptz,
	group_id int, public boolean)"
	fi
}

calc() { awk "BEGIN { print $* }"; }

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
