#!/bin/bash
# ferry-load killed with SIGKILL in the middle of a 1M-row stream, then run
# again: the target holds exactly the source rows, none twice.
. "$(dirname "$0")/lib.sh"

fresh_db kill_source
fresh_db kill_target
sql kill_source "CREATE TABLE records (id int PRIMARY KEY, target_id int, kind int,
	body text, created_at timestamptz);
	INSERT INTO records SELECT g, g % 977, g % 9, repeat(md5(g::text), 3) || E'\n\"x\", y',
	       timestamptz '2020-01-01' + g * interval '1 minute'
	  FROM generate_series(1, 1000000) g" >/dev/null
sql kill_target "CREATE TABLE records (id int PRIMARY KEY, target_id int, kind int,
	body text, created_at timestamptz)" >/dev/null
ferry-extract -d dbname=kill_source -t records > "$work/records.csv"
is "$(sql kill_source 'SELECT count(*) FROM records')" 1000000 "a 1M-row source"

# kill_mid_stream LINES BATCH_ROWS COMMITTED: ferry-load reads the first
# LINES lines of the source's CSV, then the producer stalls with the
# stream open; once COMMITTED rows have committed, the loader is killed
# with SIGKILL (and the producer ended).
mkfifo "$work/fifo"
kill_mid_stream() {
	local loader producer
	ferry-load -d dbname=kill_target -t records --batch-rows "$2" < "$work/fifo" 2>/dev/null &
	loader=$!
	( head -n "$1" "$work/records.csv"; exec sleep 600 ) > "$work/fifo" &
	producer=$!
	for _ in $(seq 1 300); do
		[ "$(sql kill_target "SELECT count(*) FROM records")" -ge "$3" ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -KILL "$loader"
	wait "$loader" 2>/dev/null
	kill "$producer"
	wait "$producer" 2>/dev/null
}

# The first 400,000 records (two lines each) arrive, then the producer
# stalls mid-stream; the loader is killed while a batch is in flight.
kill_mid_stream 800001 50000 350000
committed=$(sql kill_target "SELECT count(*) FROM records")
is "$committed" 400000 "killed mid-stream: the whole batches it had read committed (8 of 50,000)"

exits 0 "the re-run completes: exit 0" ferry-load -d dbname=kill_target -t records --batch-rows 50000 "$work/records.csv"
like "$(cat "$work/stderr")" "read 1000000, inserted 600000, skipped 400000, updated 0, rejected 0" \
	"the re-run inserts the rest and skips what was there"
is "$(sql kill_target "SELECT count(*), count(DISTINCT id) FROM records")" "1000000|1000000" "1M rows, none twice"
ferry-extract -d dbname=kill_target -t records > "$work/after.csv"
same_file "the target holds exactly the source rows" "$work/records.csv" "$work/after.csv"

# Killed during a batch it was still receiving: nothing of that batch.
sql kill_target "TRUNCATE records" >/dev/null
kill_mid_stream 240001 100000 100000
is "$(sql kill_target "SELECT count(*) FROM records")" 100000 "the batch in flight left nothing"
exits 0 "and a copy-mode load of the rest after it" sh -c \
	"tail -n +200002 '$work/records.csv' | sed '1i $(head -1 "$work/records.csv")' | ferry-load -d dbname=kill_target -t records --mode copy"
is "$(sql kill_target "SELECT count(*), count(DISTINCT id) FROM records")" "1000000|1000000" "completes the table"

done_testing
