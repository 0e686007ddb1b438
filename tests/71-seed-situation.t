#!/bin/bash
# The seed's own situation: the core tables of the target were loaded
# earlier by the old scripts, with random UUIDs (gen_random_uuid(), not
# v5), and one technician's profile is missing.  pipelines/migrate
# --maps-from-target takes the core tables' key maps from that target and
# runs only the nine remaining tables, which must then count exactly as
# ferry_expected says, leave no orphan, point at the random-UUID core
# rows, create the one missing profile (and touch no other core row), and
# insert nothing on a second run.
#
# The core tables are loaded here by a small reference migration in SQL
# (as tests/53's), from a copy of the legacy tables made with
# ferry-extract | ferry-load into a schema "legacy" of the target, dropped
# afterwards.  No core pipeline script runs.
. "$(dirname "$0")/lib.sh"

legacy=seed_legacy
target=seed_target
stage=$work/stage
export FERRY_SOURCE="dbname=$legacy" FERRY_TARGET="dbname=$target" FERRY_STAGE=$stage

fresh_db $legacy
ok "gen-legacy --create --scale 0.01" gen-legacy -d dbname=$legacy --create --scale 0.01 --seed 11
fresh_db $target
ok "target schema" sql_file $target "$top/pipelines/schema/target.sql"

# The legacy tables the reference migration reads, copied into the
# target's schema legacy (without foreign keys: only some tables come).
ok "legacy schema in the target" psql -X -q -v ON_ERROR_STOP=1 -d $target \
	-c 'CREATE SCHEMA legacy; SET search_path = legacy' -f "$top/pipelines/schema/legacy.sql" \
	-c "DO \$\$ DECLARE r record; BEGIN
		FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
		          WHERE contype = 'f' AND connamespace = 'legacy'::regnamespace LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
		END LOOP; END \$\$"
copied=
for table in django_content_type auth_group auth_user auth_user_groups dispatch_category \
	dispatch_office dispatch_role dispatch_patient dispatch_product dispatch_instruction \
	dispatch_file dispatch_record dispatch_project dispatch_plan dispatch_comment dispatch_template; do
	ferry-extract -d "$FERRY_SOURCE" -t $table 2>>"$work/copy.log" |
		ferry-load -d "$FERRY_TARGET" -t legacy.$table --mode copy 2>>"$work/copy.log" ||
		copied="$copied $table"
done
is "$copied" "" "legacy tables copied into the target (ferry-extract | ferry-load)"

cat >"$work/core.sql" <<'SQL'
-- The core tables as the old scripts left them: random UUIDs
-- (gen_random_uuid(), the column default), the rows a correct migration
-- keeps, references through the legacy ids, from a copy of the legacy
-- tables in schema legacy.  One technician's profile is missing.
SET search_path = public, legacy;
CREATE TEMP VIEW patient_ct AS SELECT id FROM legacy.django_content_type
	WHERE app_label = 'dispatch' AND model = 'patient';
CREATE TEMP VIEW user_ct AS SELECT id FROM legacy.django_content_type
	WHERE app_label = 'auth' AND model = 'user';
CREATE TEMP VIEW patients_kept AS
	SELECT p.* FROM legacy.dispatch_patient p JOIN legacy.auth_user u ON u.id = p.user_id
	WHERE p.status IN (1, 2, 4, 10);
CREATE TEMP VIEW orders_kept AS
	SELECT i.* FROM legacy.dispatch_instruction i JOIN patients_kept p ON p.id = i.patient_id
	WHERE NOT i.deleted AND i.status IN (0, 1, 2, 4) AND i.course_id IN (1, 2, 3, 4, 7, 8);
-- The technician whose profile the old scripts missed: the first user of
-- group 11 only that no message is addressed to (the references to it,
-- as sender, author or creator, are NULL).
CREATE TEMP VIEW missing_technician AS
	SELECT min(user_id) AS id FROM legacy.auth_user_groups g WHERE group_id = 11
	   AND NOT EXISTS (SELECT FROM legacy.auth_user_groups o
	                    WHERE o.user_id = g.user_id AND o.group_id <> 11)
	   AND NOT EXISTS (SELECT FROM legacy.dispatch_record r
	                    WHERE r.target_type_id IN (SELECT id FROM user_ct)
	                      AND r.target_id = g.user_id);

INSERT INTO teams (name, legacy_group_id) SELECT name, id FROM legacy.auth_group;
INSERT INTO categories (name, sort_order, legacy_category_id, legacy_parent_id)
	SELECT name, "order", id, parent_id FROM legacy.dispatch_category;
UPDATE categories c SET parent_id = p.id FROM categories p
	WHERE p.legacy_category_id = c.legacy_parent_id;
INSERT INTO offices (name, is_active, email_notifications, legacy_office_id)
	SELECT coalesce(nullif(btrim(name), ''), 'Office ' || id), valid, emails, id
	  FROM legacy.dispatch_office;
INSERT INTO profiles (profile_type, first_name, last_name, email, username,
		is_active, patient_suffix, legacy_user_id, legacy_patient_id)
	SELECT CASE WHEN p.id IS NOT NULL THEN 'patient'
	            WHEN EXISTS (SELECT FROM legacy.auth_user_groups g
	                          WHERE g.user_id = u.id AND g.group_id = 11) THEN 'technician'
	            ELSE 'doctor' END::profile_type,
	       coalesce(nullif(btrim(u.first_name), ''), 'Unknown'),
	       coalesce(nullif(btrim(u.last_name), ''), 'Unknown'),
	       CASE WHEN lower(btrim(u.email)) ~ '^[^@[:space:]]+@[^@[:space:]]+$'
	            THEN lower(btrim(u.email)) END,
	       u.username, u.is_active,
	       CASE WHEN p.id IS NOT NULL THEN coalesce(nullif(btrim(p.suffix), ''), '00BB') END,
	       u.id, p.id
	  FROM legacy.auth_user u LEFT JOIN legacy.dispatch_patient p ON p.user_id = u.id
	 WHERE u.id <> (SELECT id FROM missing_technician);
INSERT INTO roles (name, abbreviation, role_type, sort_order, team_id,
		legacy_role_id, legacy_user_id, legacy_group_id)
	SELECT r.name, r.abbrev, r.type, r."order", t.id, r.id, r.user_id, r.group_id
	  FROM legacy.dispatch_role r LEFT JOIN teams t ON t.legacy_group_id = r.group_id;
INSERT INTO patients (profile_id, patient_number, status, archived, suspended,
		legacy_patient_id, legacy_user_id)
	SELECT pr.id, 'PAT-' || p.id, 'active', p.archived, p.suspended, p.id, p.user_id
	  FROM patients_kept p JOIN profiles pr ON pr.legacy_user_id = p.user_id;
INSERT INTO cases (case_number, patient_id, status, deleted, legacy_patient_id)
	SELECT 'CASE-' || p.legacy_patient_id, p.id, 'active', false, p.legacy_patient_id
	  FROM patients p;
INSERT INTO products (name, course_type, is_free, is_active, is_substitute,
		legacy_product_id, legacy_course_id)
	SELECT name, (ARRAY['main', 'refinement', 'replacement', NULL, NULL, NULL,
	                    'invoice'])[course_id]::course_type,
	       free, true, substitute, id, course_id
	  FROM legacy.dispatch_product WHERE NOT deleted AND course_id IN (1, 2, 3, 7);
INSERT INTO orders (order_number, patient_id, course_type, status,
		legacy_instruction_id, legacy_patient_id, legacy_status, legacy_course_id)
	SELECT 'ORD-' || i.id, p.id,
	       (ARRAY['main', 'refinement', 'replacement', 'any', NULL, NULL, 'invoice',
	              'merchandise'])[i.course_id]::course_type,
	       CASE i.status WHEN 0 THEN 'no_product' WHEN 1 THEN 'submitted'
	            WHEN 2 THEN 'approved' ELSE 'shipped' END::order_status,
	       i.id, i.patient_id, i.status, i.course_id
	  FROM orders_kept i JOIN patients p ON p.legacy_patient_id = i.patient_id;
INSERT INTO files (file_uid, filename, extension, file_type, mime_type, status,
		order_id, legacy_file_id, legacy_instruction_id, legacy_record_id)
	SELECT f.uid, f.name, f.ext, f.type, 'application/octet-stream', f.status,
	       o.id, f.id, f.instruction_id, f.record_id
	  FROM legacy.dispatch_file f
	  LEFT JOIN orders o ON o.legacy_instruction_id = f.instruction_id;
INSERT INTO messages (message_type, content, sender_id, recipient_type,
		recipient_patient_id, recipient_profile_id, legacy_record_id, legacy_type,
		legacy_target_type_id, legacy_target_id, legacy_author_id)
	SELECT 'general', coalesce(r.text, ''), s.id,
	       CASE WHEN pa.id IS NOT NULL THEN 'patient' ELSE 'user' END,
	       pa.id, pr.id, r.id, r.type, r.target_type_id, r.target_id, r.author_id
	  FROM legacy.dispatch_record r
	  LEFT JOIN patients pa ON r.target_type_id IN (SELECT id FROM patient_ct)
	                       AND pa.legacy_patient_id = r.target_id
	  LEFT JOIN profiles pr ON r.target_type_id IN (SELECT id FROM user_ct)
	                       AND pr.legacy_user_id = r.target_id
	  LEFT JOIN profiles s ON s.legacy_user_id = r.author_id
	 WHERE pa.id IS NOT NULL OR pr.id IS NOT NULL;
INSERT INTO projects (project_uid, name, is_public, project_type, status,
		creator_id, legacy_project_id, legacy_creator_id)
	SELECT j.uid, j.name, j.public, j.type, j.status, c.id, j.id, j.creator_id
	  FROM legacy.dispatch_project j LEFT JOIN profiles c ON c.legacy_user_id = j.creator_id;
INSERT INTO treatment_plans (project_id, order_id, plan_number, plan_name,
		is_original, treatment_type, revision_count, legacy_plan_id,
		legacy_instruction_id, legacy_project_id)
	SELECT j.id, o.id, p.number, coalesce(nullif(btrim(p.name), ''), 'Plan ' || p.id),
	       p.original, CASE WHEN p.original THEN 'initial_treatment' ELSE 'revision' END,
	       greatest(0, p.number - 1), p.id, p.instruction_id, p.project_id
	  FROM legacy.dispatch_plan p
	  JOIN projects j ON j.legacy_project_id = p.project_id
	  LEFT JOIN orders o ON o.legacy_instruction_id = p.instruction_id;
INSERT INTO comments (content, treatment_plan_id, author_id, legacy_comment_id,
		legacy_plan_id, legacy_author_id, created_at)
	SELECT c.text, t.id, a.id, c.id, c.plan_id, c.author_id, c.created_at
	  FROM legacy.dispatch_comment c
	  JOIN treatment_plans t ON t.legacy_plan_id = c.plan_id
	  LEFT JOIN profiles a ON a.legacy_user_id = c.author_id
	 WHERE btrim(coalesce(c.text, '')) <> '';
INSERT INTO templates (name, is_active, category_id, legacy_template_id, legacy_category_id)
	SELECT coalesce(btrim(t.task_name), btrim(t.text_name), 'Template ' || t.id),
	       t.status = 1, c.id, t.id, t.category_id
	  FROM legacy.dispatch_template t
	  LEFT JOIN categories c ON c.legacy_category_id = t.category_id;
SQL
ok "core tables pre-loaded with random UUIDs" sql_file $target "$work/core.sql"
ok "the legacy copy dropped" sql $target 'DROP SCHEMA legacy CASCADE'
missing_user=$(sql $legacy "select min(user_id) from auth_user_groups g where group_id = 11
	and not exists (select from auth_user_groups o where o.user_id = g.user_id and o.group_id <> 11)
	and not exists (select from dispatch_record r join django_content_type c on c.id = r.target_type_id
	                 where (c.app_label, c.model) = ('auth', 'user') and r.target_id = g.user_id)")
is "$(sql $target "select count(*) from profiles where legacy_user_id = $missing_user")" 0 \
	"technician $missing_user has no profile"
core="teams categories offices profiles roles patients cases products orders files messages
	projects treatment_plans comments templates"
is "$(for table in $core; do sql $target "select '$table ' || count(*) || ' ' ||
	count(*) filter (where substr(id::text, 15, 1) <> '4') from $table"; done | awk '$2 == 0 || $3 != 0')" "" \
	"every pre-loaded core table has rows, all with version-4 (random) UUIDs"
core_digest() {	# TABLE [WHERE]
	ferry-extract -d "$FERRY_TARGET" -q "SELECT * FROM $1 WHERE ${2:-true}" | ferry-verify digest
}
before=$(for table in $core; do echo "$table $(core_digest $table)"; done)

exits 0 "pipelines/migrate --maps-from-target" pipelines/migrate --maps-from-target
report=$(cat "$work/stdout")
run=$(cd "$stage/current" && pwd -P)
is "$(sed 's/$/ /' "$run/.state/plan" | tr -d '\n')" \
	"template_view_groups template_view_roles technicians technician_roles brackets treatment_discussions order_cases message_attachments purchases " \
	"only the nine tables ran"

nine="template_view_groups template_view_roles technicians technician_roles brackets
	treatment_discussions order_cases message_attachments purchases"
for table in $nine; do
	is "$(run_counts "$run" $table)" \
		"$(sql $legacy "select source || ' ' || filtered || ' ' || rejected || ' ' || inserted || ' 0'
			from ferry_expected where target_table = '$table'")" \
		"$table: counts = ferry_expected"
done
technicians=$(sql $legacy "select inserted from ferry_expected where target_table = 'technicians'")
is "$(run_counts "$run" technicians.profiles)" \
	"$(sql $legacy "select source || ' ' || filtered || ' 0 1 ' || (inserted - 1)
		from ferry_expected where target_table = 'technicians'")" \
	"technicians.profiles: the one missing profile inserted, $((technicians - 1)) present"
is "$(sql $target "select id || ' ' || profile_type from profiles where legacy_user_id = $missing_user")" \
	"$(printf 'k\n%s\n' "$missing_user" | ferry-transform --uuid id=v5:profiles:k --columns id 2>/dev/null | sed -n 2p) technician" \
	"the created profile: the profiles rules, its v5 UUID"
like "$report" "Foreign keys of the target: [1-9][0-9]* checked, 0 orphan rows\." "report: no orphan"
like "$report" "Result: every table reconciles; no orphans; the money balances" "report: result"

# Every reference of the nine tables is the core row of its legacy id.
is "$(sql $target "
	select 'template_view_groups' from template_view_groups j
	 where template_id <> (select id from templates where legacy_template_id = j.legacy_template_id)
	    or team_id <> (select id from teams where legacy_group_id = j.legacy_group_id)
	union all select 'template_view_roles' from template_view_roles j
	 where template_id <> (select id from templates where legacy_template_id = j.legacy_template_id)
	    or role_id <> (select id from roles where legacy_role_id = j.legacy_role_id)
	union all select 'technicians' from technicians t
	 where profile_id <> (select id from profiles where legacy_user_id = t.legacy_user_id)
	union all select 'technician_roles' from technician_roles r
	 where role_id <> (select id from roles where legacy_role_id = r.legacy_role_id)
	    or technician_id is distinct from (select id from technicians where legacy_user_id = r.legacy_user_id)
	union all select 'brackets' from brackets b
	 where project_id is distinct from (select id from projects where legacy_project_id = b.legacy_project_id)
	union all select 'treatment_discussions' from treatment_discussions d
	 where treatment_plan_id <> (select id from treatment_plans where legacy_plan_id = d.legacy_plan_id)
	    or comment_id <> (select id from comments where legacy_comment_id = d.legacy_comment_id)
	    or author_id is distinct from (select id from profiles where legacy_user_id = d.legacy_author_id)
	union all select 'order_cases' from order_cases o
	 where order_id <> (select id from orders where legacy_instruction_id = o.legacy_instruction_id)
	    or case_id <> (select id from cases where legacy_patient_id = o.legacy_patient_id)
	union all select 'message_attachments' from message_attachments a
	 where message_id <> (select id from messages where legacy_record_id = a.legacy_record_id)
	    or file_id <> (select id from files where legacy_file_id = a.legacy_file_id)
	union all select 'purchases' from purchases p
	 where order_id <> (select id from orders where legacy_instruction_id = p.legacy_instruction_id)
	    or (product_id is not null and product_id not in (select id from products))")" "" \
	"every reference is the core row of its legacy id"
is "$(sql $target "select count(*) from (
	select template_id id from template_view_groups union all select team_id from template_view_groups
	union all select template_id from template_view_roles union all select role_id from template_view_roles
	union all select role_id from technician_roles union all select project_id from brackets
	union all select treatment_plan_id from treatment_discussions union all select comment_id from treatment_discussions
	union all select order_id from order_cases union all select case_id from order_cases
	union all select message_id from message_attachments union all select file_id from message_attachments
	union all select order_id from purchases union all select product_id from purchases) r
	where id is not null and substr(id::text, 15, 1) <> '4'")" 0 \
	"the references into core tables are the random (version-4) UUIDs"
is "$(sql $target "select count(*) from technicians t join profiles p on p.id = t.profile_id
	where substr(p.id::text, 15, 1) = '4'")" "$((technicians - 1))" \
	"technicians: on the pre-loaded profiles, and one on the profile created"
is "$(sql $target "select count(*) >= 2 and min(n) >= 2 from (select count(*) n
	from technician_roles where technician_id is not null group by technician_id) s")" t \
	"technician_roles: several technicians with several roles each"
is "$(sql $target "select count(*) from technician_roles r join technicians t on t.id = r.technician_id
	where t.legacy_user_id = $missing_user")" \
	"$(sql $legacy "select count(*) from dispatch_role where group_id = 11 and user_id = $missing_user")" \
	"technician_roles: the roles of the technician whose profile was missing are on it"

after=$(for table in $core; do
	if [ $table = profiles ]; then echo "$table $(core_digest profiles "legacy_user_id <> $missing_user")"
	else echo "$table $(core_digest $table)"; fi
done)
is "$after" "$before" "the core tables are as they were (but the one profile added)"

exits 0 "pipelines/migrate --maps-from-target: a second run" pipelines/migrate --maps-from-target
again=$(cd "$stage/current" && pwd -P)
bad=
for table in $nine technicians.profiles; do
	set -- $(run_counts "$run" $table)
	[ "$(run_counts "$again" $table)" = "$1 $2 $3 0 $(($4 + $5))" ] || bad="$bad $table"
done
is "$bad" "" "second run: nothing inserted, every row present"

done_testing
