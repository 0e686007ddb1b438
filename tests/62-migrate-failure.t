#!/bin/bash
# A failing table stops pipelines/migrate with a message naming it; the fix
# and a re-run resume at that table and finish the run.  Two causes: a key
# map a table needs is missing (found before anything runs), and a table
# whose load fails (the target's messages table lacks a column the
# pipeline loads), with a key map of a finished table deleted meanwhile.
. "$(dirname "$0")/lib.sh"

migration_databases failure 0.01
plan=$(plan_tables)
tables=$plan

# A map no table of the run builds, and the stage lacks.
exits 1 "a table whose key map is missing: exit 1" pipelines/migrate --only order_files
like "$(cat "$work/stderr")" "order_files needs the key map orders.map" \
	"the message names the table and the map"
is "$(sql $target "SELECT count(*) FROM order_files")" 0 "nothing ran"

# messages fails: the target lacks its column subject.
sql $target "ALTER TABLE messages RENAME COLUMN subject TO subject_elsewhere"
exits 1 "a failing table stops the run: exit 1" pipelines/migrate
like "$(cat "$work/stderr")" "messages failed \(its log: .*messages.log\)" "the message names the table"
like "$(cat "$work/stderr")" 'column "subject" is not in table messages' "... and the reason"
like "$(cat "$work/stderr")" "resumes at messages" "... and says where a re-run resumes"
run=$(cd "$FERRY_STAGE/current" && pwd -P)
is "$(sql $target "SELECT (SELECT count(*) FROM order_states) || ' ' || (SELECT count(*) FROM messages)
	|| ' ' || (SELECT count(*) FROM projects)")" \
	"$(sql $legacy "SELECT inserted FROM ferry_expected WHERE target_table = 'order_states'") 0 0" \
	"the tables before messages are loaded, messages and those after it not"
ls -l --time-style=+%s.%N "$run"/*.counts >"$work/counts.before" 2>/dev/null

# The fix, and a key map of a finished table deleted meanwhile (the run
# rebuilds it; not while scripts are missing, where each table is a run of
# its own and the map is of a table outside it).
sql $target "ALTER TABLE messages RENAME COLUMN subject_elsewhere TO subject"
rm "$FERRY_STAGE/maps/patients.map"
exits 0 "the fix and a re-run: exit 0" pipelines/migrate
like "$(cat "$work/stderr")" "resuming" "it resumes the failed run"
ls -l --time-style=+%s.%N "$run"/*.counts >"$work/counts.after"
is "$(grep -v -x -F -f "$work/counts.after" "$work/counts.before")" "" \
	"the tables finished before are not redone (their counts files untouched)"
ok "patients.map is back" test -s "$FERRY_STAGE/maps/patients.map"
bad=
for t in $tables; do
	key=$(sed -n 's/^# key: *//p' "$top/pipelines/tables/$t")
	inserted=$(sql $legacy "SELECT inserted FROM ferry_expected WHERE target_table = '$t'")
	got=$(sql $target "SELECT count(*) || ' ' || count(DISTINCT ($key)) FROM $t")
	[ "$got" = "$inserted $inserted" ] || bad="$bad $t: $got, expected $inserted;"
done
is "$bad" "" "every table complete (ferry_expected), nothing doubled"
is "$(awk '$1 ~ /^(source|inserted|present)$/ { printf "%s %s ", $1, $2 }' "$run/messages.counts")" \
	"$(sql $legacy "SELECT 'source ' || source || ' inserted ' || inserted || ' present 0 '
		FROM ferry_expected WHERE target_table = 'messages'")" \
	"messages: counted once, in the resumed run"
ok "the resumed run reconciles" ferry-verify reconcile "$run"
like "$(cat "$run/report.md")" "every table reconciles; no orphans" "the report says so"

done_testing
