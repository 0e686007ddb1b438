#!/bin/bash
# pipelines/migrate on a fresh target at scale 0.01: every table's counts
# (source, filtered, rejected, inserted, present) are what the generator
# declared in ferry_expected; a second run is a no-op that inserts
# nothing, stages the same bytes and still verifies.
. "$(dirname "$0")/lib.sh"

migration_databases migrate 0.01
plan=$(plan_tables)
tables=$plan
like "$(echo $plan)" "^teams .*profiles .*files .*messages " "the runner's plan"

# --- the first run ---------------------------------------------------------
exits 0 "the migration of a fresh target: exit 0" pipelines/migrate
first_runs=$(ls -d "$FERRY_STAGE"/runs/*)
is "$(counts_mismatches first "$first_runs" $tables)" "" "every table's counts equal ferry_expected ($(echo $tables | wc -w) tables)"
is "$(echo "$tables" | grep -c -x -F "$(sql $legacy "SELECT target_table FROM ferry_expected")")" \
	"$(echo "$tables" | wc -l)" "every table run has its line in ferry_expected"

bad=
for t in $tables; do
	key=$(sed -n 's/^# key: *//p' "$top/pipelines/tables/$t")
	got=$(sql $target "SELECT count(*) || ' ' || count(DISTINCT ($key)) FROM $t")
	inserted=$(expected_counts "$t" | cut -d' ' -f4)
	[ "$got" = "$inserted $inserted" ] || bad="$bad $t: $got, expected $inserted;"
done
is "$bad" "" "the target holds the inserted rows, none twice (by the legacy key)"
bad=
for r in $first_runs; do
	grep -q 'every table reconciles; no orphans' "$r/report.md" || bad="$bad $r"
	ferry-verify reconcile "$r" >/dev/null 2>&1 || bad="$bad $r (reconcile)"
done
is "$bad" "" "the report: every table reconciles, no orphans"
like "$(sed -n '/^| table /,/^$/p' "$(run_of profiles $first_runs)/report.md")" \
	"\| profiles \| $(expected_counts profiles | sed 's/ / \\| /g') \| 0 \|" "the report's table of counts"

# What some rules give, row by row (docs/mapping.md §2 and §4).
is "$(sql $target "SELECT count(*) FROM profiles WHERE profile_type = 'patient'
	AND patient_suffix IS NOT NULL")" \
	"$(sql $legacy "SELECT count(*) FROM auth_user u WHERE EXISTS (SELECT FROM dispatch_patient p
		WHERE p.user_id = u.id) OR u.id IN (SELECT user_id FROM auth_user_groups WHERE group_id = 1)")" \
	"profiles: patients and group-1 users are patients with a suffix"
is "$(sql $target "SELECT count(*) FROM profiles WHERE first_name = 'Unknown'")" \
	"$(sql $legacy "SELECT count(*) FROM auth_user WHERE lower(btrim(first_name)) IN ('', 'null')")" \
	"profiles: blank and 'null' first names are Unknown"
is "$(sql $target "SELECT count(*) FROM doctors d JOIN profiles p ON p.id = d.profile_id
	WHERE d.doctor_number <> 'DOC-' || lpad(p.legacy_user_id::text, 6, '0')")" 0 \
	"doctors: DOC- and the padded user id, on the user's profile"
is "$(sql $target "SELECT count(*) FROM patients WHERE primary_doctor_id IS NULL
	AND legacy_doctor_id IS NOT NULL")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_patient p JOIN auth_user u ON u.id = p.user_id
		WHERE p.status IN (1, 2, 4, 10) AND p.doctor_id IS NOT NULL
		AND NOT EXISTS (SELECT FROM auth_user d WHERE d.id = p.doctor_id)")" \
	"patients: an orphan doctor becomes NULL, its id kept"
is "$(sql $target "SELECT count(*) FROM orders o JOIN patients p ON p.id = o.patient_id
	WHERE o.order_number <> p.suffix || '-' || o.legacy_instruction_id")" 0 \
	"orders: order_number is the effective patient suffix and the instruction id"
is "$(sql $target "SELECT count(*) FROM orders WHERE notes = ''")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_instruction i WHERE notes = '' AND NOT deleted
		AND status IN (0, 1, 2, 4) AND course_id IN (1, 2, 3, 4, 7, 8)
		AND EXISTS (SELECT FROM dispatch_patient p WHERE p.id = i.patient_id)")" \
	"orders: empty notes stay '', not NULL"
is "$(sql $target "SELECT count(*) FROM files WHERE extension <> lower(extension) OR extension LIKE '.%'")" 0 \
	"files: extensions lower case, without a dot"
is "$(sql $target "SELECT count(*) FROM messages WHERE message_type = 'general'")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_record r JOIN django_content_type t ON t.id = r.target_type_id
		WHERE (t.app_label, t.model) IN (('dispatch', 'patient'), ('auth', 'user'))
		AND r.type NOT IN (3, 5, 6, 8)")" \
	"messages: unknown record types are general"
is "$(sql $target "SELECT count(*) FROM messages WHERE content = '' AND subject IS NULL")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_record WHERE text IS NULL")" \
	"messages: a NULL text is '' with no subject"
is "$(sql $target "SELECT count(*) FROM order_states WHERE status_name LIKE 'unknown_%'")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_state s JOIN dispatch_instruction i
		ON i.id = s.instruction_id WHERE s.status NOT BETWEEN 11 AND 20")" \
	"order_states: unknown codes are unknown_<n>"
is "$(sql $target "SELECT count(*) FROM treatment_plans WHERE plan_name ~ '^Treatment Plan [0-9]+\$'")" \
	"$(sql $legacy "SELECT count(*) FROM dispatch_plan p WHERE btrim(coalesce(name, '')) = ''
		AND EXISTS (SELECT FROM dispatch_project j WHERE j.id = p.project_id)")" \
	"treatment_plans: blank names are 'Treatment Plan <id>'"

# --- the second run: a no-op ----------------------------------------------
exits 0 "a second run: exit 0" pipelines/migrate
second_runs=$(ls -d "$FERRY_STAGE"/runs/* | grep -v -x -F "$first_runs")
is "$(counts_mismatches again "$second_runs" $tables)" "" "every table: 0 inserted, every row present"
bad=
for t in $tables; do
	cmp -s "$(run_of "$t" $first_runs)/$t.csv" "$(run_of "$t" $second_runs)/$t.csv" || bad="$bad $t"
done
is "$bad" "" "every staged file has the same bytes as in the first run"
bad=
for t in $tables; do
	run=$(run_of "$t" $second_runs)
	read -r key options < "$run/.state/$t.done"
	# shellcheck disable=SC2086
	ferry-verify table -d "$FERRY_TARGET" -t "$t" --key "$key" $options \
		--rejects "$run/$t.load-rejects.csv" "$run/$t.csv" >"$work/verify" 2>&1 ||
		bad="$bad $t: $(tail -3 "$work/verify");"
	# The digest the report shows is the table's.
	digest=$(sed -n 's/^table rows=[0-9]* digest=//p' "$work/verify" | cut -c1-12)
	grep "^| $t |" "$run/report.md" | grep -q -F "| $digest |" ||
		bad="$bad $t: digest $digest not in the report;"
done
is "$bad" "" "ferry-verify table: every staged file matches its table, as the report says"
bad=
for r in $second_runs; do
	grep -q 'every table reconciles; no orphans' "$r/report.md" || bad="$bad $r"
done
is "$bad" "" "the second run's report: every table reconciles"
is "$(sql $target "SELECT sum(n) FROM (SELECT count(*) n FROM profiles UNION ALL
	SELECT count(*) FROM files UNION ALL SELECT count(*) FROM messages) s")" \
	"$(sql $legacy "SELECT sum(inserted) FROM ferry_expected
		WHERE target_table IN ('profiles', 'files', 'messages')")" \
	"nothing doubled"

done_testing
