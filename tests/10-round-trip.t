#!/bin/bash
# ferry-extract | ferry-load carries every hard value unchanged, live and
# through a pg_dump taken in UTC or in another time zone; a skip-mode
# re-run inserts nothing.
. "$(dirname "$0")/lib.sh"

fresh_db rt_source
fresh_db rt_target
sql_file rt_source "$fixtures/hard_values.sql"
pg_dump -s -t hard rt_source | psql -X -q -d rt_target >/dev/null

# table_diff SOURCE_DB TARGET_DB TABLE: rows in one and not in the other,
# both ways, compared by the server (dblink-free: copy the target's rows
# into the source database first).
table_diff() {
	local copy="copy_of_$3"
	sql "$1" "DROP TABLE IF EXISTS $copy; CREATE TABLE $copy (LIKE $3)" >/dev/null
	psql -X -q -d "$2" -c "\\copy $3 to stdout" |
		psql -X -q -d "$1" -c "\\copy $copy from stdin"
	sql "$1" "SELECT (SELECT count(*) FROM (TABLE $3 EXCEPT ALL TABLE $copy) a)
	             + (SELECT count(*) FROM (TABLE $copy EXCEPT ALL TABLE $3) b)"
}

exits 0 "extract | load: exit 0" \
	sh -c 'ferry-extract -d dbname=rt_source -t hard > '"$work"'/hard.csv &&
	       ferry-load -d dbname=rt_target -t hard --summary '"$work"'/summary.json < '"$work"'/hard.csv'
is "$(table_diff rt_source rt_target hard)" 0 "every hard value arrives unchanged (EXCEPT ALL both ways)"
is "$(sql rt_target 'SELECT count(*) FROM hard')" 10 "all 10 rows arrived"
is "$(sql rt_target "SELECT t IS NULL FROM hard WHERE id = 1")|$(sql rt_target "SELECT t = '' FROM hard WHERE id = 2")" \
	"t|t" "NULL and the empty string stay apart"
is "$(sql rt_target "SELECT length(t) FROM hard WHERE id = 7")" 1048576 "a 1 MB text arrives whole"
like "$(cat "$work/summary.json")" '"read": 10, "inserted": 10, "skipped": 0' "the summary file counts the rows"
is "$(stat -c %a "$work/summary.json")" 600 "the summary file is mode 0600"

exits 0 "a skip-mode re-run: exit 0" ferry-load -d dbname=rt_target -t hard < "$work/hard.csv"
like "$(cat "$work/stderr")" "read 10, inserted 0, skipped 10" "a re-run inserts 0 rows and reports all 10 as skipped"
is "$(sql rt_target 'SELECT count(*) FROM hard')" 10 "nothing doubled"

ferry-extract -d dbname=rt_target -t hard > "$work/again.csv"
same_file "an extract of the target gives the same bytes as the source's" "$work/hard.csv" "$work/again.csv"

# Through a plain pg_dump, taken in UTC and in two other time zones.
for zone in UTC Asia/Tokyo America/St_Johns; do
	PGTZ=$zone pg_dump -t hard rt_source > "$work/dump.sql"
	ferry-extract --dump "$work/dump.sql" -t hard > "$work/from-dump.csv"
	same_file "--dump of a dump taken in $zone gives the live extract's bytes" \
		"$work/hard.csv" "$work/from-dump.csv"
	is "$(ferry-extract --dump "$work/dump.sql" -t hard | ferry-verify digest)" \
		"$(ferry-extract -d dbname=rt_source -t hard | ferry-verify digest)" \
		"--dump (taken in $zone) | ferry-verify digest equals the live table's digest"
done
sql rt_target "TRUNCATE hard" >/dev/null
exits 0 "--dump | load: exit 0" sh -c "ferry-extract --dump $work/dump.sql -t public.hard | ferry-load -d dbname=rt_target -t hard"
is "$(table_diff rt_source rt_target hard)" 0 "a table loaded from a dump equals the source"

ferry-extract -d dbname=rt_source -t hard -c t,id -w 'id > 8' > "$work/cols.csv"
is "$(head -1 "$work/cols.csv")" "t,id" "-c picks and orders columns"
is "$(tail -n +2 "$work/cols.csv")" "$(printf '"""",9\n",",10')" "-w filters rows; quotes and commas are quoted"
is "$(tail -n +2 "$work/cols.csv" | wc -l)" 2 "-w keeps 2 rows"
like "$(ferry-extract --dump "$work/dump.sql" -t hard -c ok,id | head -3 | tr '\n' ' ')" "^ok,id ,1 t,2 " "--dump -c picks columns"

# CSV dialect on the way in: CRLF line ends, spaces kept, an empty line is
# a one-column NULL row.
sql rt_target "CREATE TABLE dialect (id int PRIMARY KEY, v text); CREATE TABLE one (v text)" >/dev/null
printf 'id,v\r\n1, a \r\n2,"b\r\nc"\r\n3,\r\n4,""\r\n' | ferry-load -d dbname=rt_target -t dialect 2>/dev/null
is "$(sql rt_target "SELECT string_agg(id || ':' || coalesce('[' || replace(v, E'\r\n', '|') || ']', 'NULL'), ' ' ORDER BY id) FROM dialect")" \
	"1:[ a ] 2:[b|c] 3:NULL 4:[]" "CRLF input: spaces kept, CRLF inside quotes kept, NULL and '' apart"
printf 'v\nx\n\ny\n' | ferry-load -d dbname=rt_target -t one --mode copy 2>/dev/null
is "$(sql rt_target "SELECT string_agg(coalesce(v, 'NULL'), ' ' ORDER BY v NULLS FIRST) FROM one")" \
	"NULL x y" "an empty line is a row holding one NULL"

# upsert: a changed row is updated, an unchanged one skipped, a new one
# inserted, and the counts say which.
printf 'id,v\n1,changed\n2,"b\r\nc"\n5,new\n' > "$work/upsert.csv"
exits 0 "upsert: exit 0" ferry-load -d dbname=rt_target -t dialect --mode upsert "$work/upsert.csv"
like "$(cat "$work/stderr")" "read 3, inserted 1, skipped 1, updated 1" "upsert counts inserted, skipped (unchanged) and updated rows"
is "$(sql rt_target "SELECT string_agg(id || ':' || coalesce(v, 'NULL'), ' ' ORDER BY id) FROM dialect WHERE id IN (1, 5)")" \
	"1:changed 5:new" "upsert wrote the changed and the new row"
exits 0 "upsert again: exit 0" ferry-load -d dbname=rt_target -t dialect --mode upsert "$work/upsert.csv"
like "$(cat "$work/stderr")" "read 3, inserted 0, skipped 3, updated 0" "an upsert re-run changes nothing"

exits 0 "header only: exit 0" sh -c "printf 'id,v\n' | ferry-load -d dbname=rt_target -t dialect"
like "$(cat "$work/stderr")" "read 0, inserted 0" "header only loads nothing"

done_testing
