#!/bin/bash
# --rejects and --max-rejects: each rejected row's original fields, then
# _line and _reason, in the stream's dialect, written whole and private;
# dropping the two last columns gives rows that can be fixed and fed
# back.  A reject file corrected and fed back through transform and load
# completes the table.
. "$(dirname "$0")/lib.sh"

uuid() { printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"; }
cd "$work" || exit 1

{ echo id,uuid; for i in 1 2 3; do echo "$i,$(uuid $((100 + i)))"; done; } |
	ferry-keymap build -o doctors.map 2>/dev/null

# Rows with NULLs, empty strings, quotes, commas, spaces and a field on
# two lines; rows 4, 6 and 8 name doctors the map lacks.
cat > visits.csv <<'CSV'
id,doctor_id,note,extra
1,1,plain,
2,2,"a, comma",""
3,,no doctor,x
4,9,"two
lines",  spaced  
5,3,"say ""hi""",y
6,8,,""
7,1,last but two,z
8,7,"",
CSV

ferry-transform --map doctor_id=doctors.map --rejects rejects.csv < visits.csv > out.csv 2>err
status=$?
is "$status" 0 "rejects within bounds: exit 0"
cat > expected.csv <<'CSV'
id,doctor_id,note,extra,_line,_reason
4,9,"two
lines",  spaced  ,5,column doctor_id: no key 9 in doctors.map
6,8,,"",8,column doctor_id: no key 8 in doctors.map
8,7,"",,10,column doctor_id: no key 7 in doctors.map
CSV
same_file "the reject file: original fields, the input line, the reason" expected.csv rejects.csv
is "$(stat -c %a rejects.csv)" 600 "the reject file is private (mode 0600)"
is "$(ls -A | grep -c '^rejects')" 1 "no temporary file is left beside it"
is "$(cat err)" "ferry-transform: stdin: read 8, written 5, rejected 3
ferry-transform: rejected 3: column doctor_id: key not in doctors.map" \
	"with a reject file, stderr has the summary only"

ferry-transform --drop _line,_reason < rejects.csv > fed-back.csv 2>/dev/null
{ head -1 visits.csv; sed -n '5,6p;8p;10p' visits.csv; } > original-rows.csv
same_file "dropping _line and _reason gives the rejected input rows back, byte for byte" original-rows.csv fed-back.csv

exits 2 "a reject file fed back with its _line column and --rejects: exit 2" \
	sh -c 'ferry-transform --rejects again.csv < rejects.csv'
like "$(cat stderr)" "needs --drop _line,_reason" "the message says what to do"

# --max-rejects
exits 0 "--max-rejects 3 with 3 rejects: exit 0" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --max-rejects 3 --rejects r3.csv < visits.csv'
exits 1 "--max-rejects 2 with 3 rejects: exit 1" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --max-rejects 2 --rejects r2.csv < visits.csv'
like "$(cat stderr)" "^ferry-transform: stdin:10: record 8: more than 2 rejected rows \(--max-rejects\); stopped" \
	"the message names the row that passed the limit"
like "$(cat stderr)" "read 8, written 5, rejected 3" "and the summary follows"
is "$(tail -n +2 r2.csv | grep -c 'no key')" 3 "the reject file holds every rejected row read"
exits 1 "--max-rejects 0: the first reject stops the run" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --max-rejects 0 < visits.csv'
like "$(cat stderr)" "stdin:5: record 4: more than 0 rejected rows" "at the first rejected row"

# A run that dies on malformed input leaves no reject file, and an old
# one as it was.
cp rejects.csv old-rejects.csv
{ cat visits.csv; printf '9,1,"unterminated\n'; } > broken.csv
exits 3 "malformed input after some rejects: exit 3" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --rejects rejects.csv < broken.csv'
same_file "the previous reject file is untouched" old-rejects.csv rejects.csv
is "$(ls -A | grep -c '^rejects')" 1 "and no temporary file is left"
exits 3 "the same into a new reject file: exit 3" \
	sh -c 'ferry-transform --map doctor_id=doctors.map --rejects new-rejects.csv < broken.csv'
is "$(ls -A | grep -c '^new-rejects')" 0 "leaves no file at all"

# --- the round trip through ferry-load ----------------------------------
if ! command -v ferry-load >/dev/null; then
	fail "ferry-load is on PATH (the round trip needs it)"
	done_testing
	exit
fi
fresh_db transform_rejects
sql transform_rejects "
	CREATE TABLE doctors (id uuid PRIMARY KEY, legacy_doctor_id int UNIQUE NOT NULL, name text);
	CREATE TABLE visits (id uuid PRIMARY KEY, legacy_visit_id int UNIQUE NOT NULL,
		doctor_id uuid REFERENCES doctors, note text, extra text)" >/dev/null

printf 'legacy_doctor_id,name\n1,Ann\n2,Bob\n3,Cy\n' |
	ferry-transform --uuid id=v5:doctors:legacy_doctor_id 2>/dev/null |
	ferry-load -d dbname=transform_rejects -t doctors --key legacy_doctor_id 2>/dev/null
# The map comes from what was really loaded.
ferry-extract -d dbname=transform_rejects -q 'SELECT legacy_doctor_id, id FROM doctors' |
	ferry-keymap build -o loaded-doctors.map 2>/dev/null

# visit_pipeline INPUT REJECTS: the table's pipeline, as pipelines/ runs it.
visit_pipeline() {
	set -o pipefail
	ferry-transform --uuid id=v5:visits:legacy_visit_id --map doctor_id=loaded-doctors.map \
		--rejects "$2" < "$1" |
		ferry-load -d dbname=transform_rejects -t visits --key legacy_visit_id
}
sed '1s/^id,/legacy_visit_id,/' visits.csv > legacy-visits.csv
exits 0 "the pipeline loads what resolves: exit 0" visit_pipeline legacy-visits.csv visit-rejects.csv
is "$(sql transform_rejects "SELECT string_agg(legacy_visit_id::text, ',' ORDER BY legacy_visit_id) FROM visits")" \
	"1,2,3,5,7" "the visits whose doctors resolve are loaded, and the one without a doctor"
is "$(grep -c 'no key' visit-rejects.csv)" 3 "transform's reject file holds the three unknown doctors"
like "$(cat stderr)" "inserted 5" "load inserted the five rows that reached it"

# Correction: doctor 9 exists after all (loaded late, the map rebuilt);
# 8 and 7 were typos for 2 and 1.
printf 'legacy_doctor_id,name\n9,Late\n' |
	ferry-transform --uuid id=v5:doctors:legacy_doctor_id 2>/dev/null |
	ferry-load -d dbname=transform_rejects -t doctors --key legacy_doctor_id 2>/dev/null
ferry-extract -d dbname=transform_rejects -q 'SELECT legacy_doctor_id, id FROM doctors' |
	ferry-keymap build -o loaded-doctors.map 2>/dev/null
ferry-transform --drop _line,_reason < visit-rejects.csv 2>/dev/null |
	sed 's/^6,8,/6,2,/; s/^8,7,/8,1,/' > corrected.csv
exits 0 "the corrected reject file, fed back through the same pipeline: exit 0" \
	visit_pipeline corrected.csv second-rejects.csv
is "$(tail -n +2 second-rejects.csv | wc -l)" 0 "nothing is rejected the second time"
is "$(sql transform_rejects 'SELECT count(*) FROM visits')" 8 "the table is complete: all 8 visits"
is "$(sql transform_rejects "SELECT string_agg(v.legacy_visit_id || ':' || coalesce(d.legacy_doctor_id::text, '-'), ' '
	ORDER BY v.legacy_visit_id) FROM visits v LEFT JOIN doctors d ON d.id = v.doctor_id")" "1:1 2:2 3:- 4:9 5:3 6:2 7:1 8:1" \
	"each visit points at the right doctor"
is "$(sql transform_rejects "SELECT note FROM visits WHERE legacy_visit_id = 4")" "two
lines" "a multi-line field came through the reject file intact"
is "$(sql transform_rejects "SELECT extra = '  spaced  ' FROM visits WHERE legacy_visit_id = 4")" t \
	"spaces at a field's ends are data, kept through the reject file"
is "$(sql transform_rejects "SELECT count(*) FROM visits WHERE legacy_visit_id IN (6, 8) AND extra = '' AND note IS NULL")|$(sql transform_rejects "SELECT note = '' AND extra IS NULL FROM visits WHERE legacy_visit_id = 8")" \
	"1|t" "NULL and the empty string stay apart through the reject file"
exits 0 "the first pipeline run again: exit 0" visit_pipeline legacy-visits.csv third-rejects.csv
like "$(cat stderr)" "inserted 0, skipped 6" "a re-run inserts nothing (visit 4 resolves now): v5 UUIDs are the same every time"

done_testing
