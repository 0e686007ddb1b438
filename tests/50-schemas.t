#!/bin/bash
# The legacy and target schemas load into fresh databases, and have the
# keys the pipelines rely on.
. "$(dirname "$0")/lib.sh"

schema=$top/pipelines/schema

fresh_db legacy_schema
ok "legacy.sql loads into a fresh database" \
	psql -X -q -1 -v ON_ERROR_STOP=1 -d legacy_schema -f "$schema/legacy.sql"

tables="auth_user auth_group auth_user_groups django_content_type dispatch_office
dispatch_office_doctors dispatch_doctorsetting dispatch_usersetting dispatch_patient
dispatch_instruction dispatch_course dispatch_product dispatch_file dispatch_record
dispatch_record_attachments dispatch_state dispatch_comment dispatch_plan
dispatch_project dispatch_bracket dispatch_role dispatch_category dispatch_template
dispatch_template_view_groups dispatch_template_view_roles dispatch_payment
dispatch_purchase dispatch_jaw"
missing=
for table in $tables; do
	[ "$(sql legacy_schema "select to_regclass('public.$table') is not null")" = t ] ||
		missing="$missing $table"
done
is "$missing" "" "legacy: every table of the issue exists"

is "$(sql legacy_schema "select string_agg(table_name || '.' || column_name, ' ' order by table_name, column_name)
	from information_schema.columns where column_name in ('order', 'on')")" \
	"dispatch_category.order dispatch_instruction.order dispatch_role.order dispatch_state.on" \
	"legacy: the reserved-word columns"
is "$(sql legacy_schema "select count(*) from information_schema.columns
	where table_schema = 'public' and column_name = 'id' and data_type = 'integer'
	and column_default like 'nextval(%'")" 28 "legacy: every table has a serial integer id"
is "$(sql legacy_schema "select string_agg(column_name, ',' order by column_name)
	from information_schema.columns where table_name = 'dispatch_record'
	and column_name like 'target%'")" "target_id,target_type_id" \
	"legacy: dispatch_record has the generic FK (target_type_id, target_id)"
is "$(sql legacy_schema "select count(*) from information_schema.columns
	where table_schema = 'public' and data_type in ('real', 'double precision', 'money')")" 0 \
	"legacy: no float or money type"

# Columns with orphans in the real data have no FOREIGN KEY.
orphan_columns="dispatch_patient.user_id dispatch_patient.doctor_id dispatch_patient.office_id
dispatch_instruction.patient_id dispatch_instruction.course_id dispatch_file.instruction_id
dispatch_file.record_id dispatch_record.target_id dispatch_record.author_id
dispatch_state.instruction_id dispatch_state.actor_id dispatch_comment.plan_id
dispatch_comment.author_id dispatch_plan.project_id dispatch_plan.instruction_id
dispatch_project.creator_id dispatch_bracket.project_id dispatch_role.user_id
dispatch_template.category_id dispatch_template_view_groups.template_id
dispatch_template_view_groups.group_id dispatch_template_view_roles.template_id
dispatch_template_view_roles.role_id dispatch_payment.instruction_id
dispatch_office_doctors.office_id dispatch_record_attachments.file_id"
with_fk=
for column in $orphan_columns; do
	found=$(sql legacy_schema "select count(*) from pg_constraint c
		join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
		where c.contype = 'f' and c.conrelid = '${column%.*}'::regclass
		and a.attname = '${column#*.}'")
	[ "$found" = 0 ] || with_fk="$with_fk $column"
done
is "$with_fk" "" "legacy: no foreign key where the data has orphans"

fresh_db target_schema
ok "target.sql loads into a fresh database" \
	psql -X -q -1 -v ON_ERROR_STOP=1 -d target_schema -f "$schema/target.sql"

targets="offices profiles doctors doctor_offices patients cases orders files messages
order_states order_files case_messages message_attachments technicians
technician_roles brackets order_cases purchases treatment_discussions
template_view_groups template_view_roles products comments treatment_plans
projects templates roles teams categories"
missing=
for table in $targets; do
	[ "$(sql target_schema "select to_regclass('public.$table') is not null")" = t ] ||
		missing="$missing $table"
done
is "$missing" "" "target: every table of the issue and its FK targets exist"

is "$(sql target_schema "select string_agg(t.table_name, ' ') from information_schema.tables t
	where t.table_schema = 'public' and not exists (
		select from information_schema.columns c where c.table_name = t.table_name
		and c.column_name = 'id' and c.data_type = 'uuid')")" "" \
	"target: every table has a uuid id"
is "$(sql target_schema "select string_agg(c.relname, ' ') from pg_class c
	where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
	and not exists (select from pg_constraint k where k.conrelid = c.oid and k.contype = 'p'
		and k.conkey = array[(select attnum from pg_attribute
			where attrelid = c.oid and attname = 'id')])")" "" \
	"target: id is every table's primary key"
is "$(sql target_schema "select string_agg(table_name, ' ') from information_schema.tables t
	where table_schema = 'public' and not exists (select from information_schema.columns c
		where c.table_name = t.table_name and c.column_name = 'metadata'
		and c.data_type = 'jsonb')")" "" "target: every table has metadata jsonb"
is "$(sql target_schema "select count(*) from information_schema.columns
	where table_schema = 'public' and data_type in ('real', 'double precision', 'money')")" 0 \
	"target: no float or money type (money is numeric)"

# The load key of every table (ferry-load --key): a unique constraint on
# exactly these columns, each NOT NULL.
keys="teams:legacy_group_id categories:legacy_category_id offices:legacy_office_id
profiles:legacy_user_id roles:legacy_role_id doctors:legacy_user_id
doctor_offices:legacy_office_doctor_id patients:legacy_patient_id cases:legacy_patient_id
products:legacy_product_id orders:legacy_instruction_id order_cases:legacy_instruction_id
order_states:legacy_state_id files:legacy_file_id order_files:legacy_file_id
messages:legacy_record_id message_attachments:legacy_record_id,legacy_file_id
projects:legacy_project_id treatment_plans:legacy_plan_id comments:legacy_comment_id
treatment_discussions:legacy_comment_id case_messages:legacy_comment_id
technicians:legacy_user_id technician_roles:legacy_role_id brackets:legacy_bracket_id
purchases:legacy_payment_id templates:legacy_template_id
template_view_groups:legacy_junction_id template_view_roles:legacy_junction_id"
bad=
for entry in $keys; do
	table=${entry%%:*} columns=${entry#*:}
	found=$(sql target_schema "select count(*) from pg_constraint k
		where k.conrelid = '$table'::regclass and k.contype = 'u'
		and (select string_agg(a.attname, ',' order by array_position(k.conkey, a.attnum))
			from pg_attribute a where a.attrelid = k.conrelid
			and a.attnum = any (k.conkey)) = '$columns'")
	nullable=$(sql target_schema "select count(*) from information_schema.columns
		where table_name = '$table' and column_name = any (string_to_array('$columns', ','))
		and is_nullable = 'YES'")
	[ "$found" = 1 ] && [ "$nullable" = 0 ] || bad="$bad $table($columns)"
done
is "$bad" "" "target: every table has its NOT NULL unique load key"

checked=$(echo "$keys" | wc -w)
is "$(sql target_schema "select count(*) from information_schema.tables
	where table_schema = 'public'")" "$checked" "target: no table without a load key"

pairs="order_cases:order_id,case_id order_files:order_id,file_id
message_attachments:message_id,file_id doctor_offices:doctor_id,office_id
template_view_groups:template_id,team_id template_view_roles:template_id,role_id"
bad=
for entry in $pairs; do
	table=${entry%%:*} columns=${entry#*:}
	found=$(sql target_schema "select count(*) from pg_constraint k
		where k.conrelid = '$table'::regclass and k.contype = 'u'
		and (select string_agg(a.attname, ',' order by array_position(k.conkey, a.attnum))
			from pg_attribute a where a.attrelid = k.conrelid
			and a.attnum = any (k.conkey)) = '$columns'")
	[ "$found" = 1 ] || bad="$bad $table($columns)"
done
is "$bad" "" "target: junctions are unique per pair"

# ON CONFLICT on a load key skips a second insert.
out=$(sql target_schema "
	insert into offices (name, is_active, email_notifications, legacy_office_id)
		values ('A', true, true, 7) on conflict (legacy_office_id) do nothing;
	insert into offices (name, is_active, email_notifications, legacy_office_id)
		values ('B', true, true, 7) on conflict (legacy_office_id) do nothing;
	select count(*) || ' ' || min(name) from offices")
is "$out" "1 A" "target: INSERT ... ON CONFLICT (legacy key) DO NOTHING skips the rerun"

# JSON kept in text: parsed where it is JSON, NULL where not, raw kept.
out=$(sql target_schema "
	insert into products (name, course_type, is_free, is_active, is_substitute,
		customization_raw, legacy_product_id)
	values ('p1', 'main', false, true, false, '{\"a\": 1}', 1),
		('p2', 'main', false, true, false, '{\"a\": 1', 2),
		('p3', 'main', false, true, false, NULL, 3);
	select string_agg(coalesce(customization::text, 'NULL') || '|'
		|| coalesce(customization_raw, 'NULL'), ' ' order by legacy_product_id) from products")
is "$out" '{"a": 1}|{"a": 1} NULL|{"a": 1 NULL|NULL' \
	"target: JSON text parsed into jsonb, malformed kept raw"

out=$(sql target_schema "select count(*) from (values ('a@b.c'), ('x@y')) v(e)
	where e ~ '^[^@[:space:]]+@[^@[:space:]]+\$'")
is "$out" 2 "target: the email_format check accepts plain addresses"
exits 1 "target: the email_format check refuses an address without @" \
	sql target_schema "insert into profiles (profile_type, first_name, last_name, email,
		username, is_active, legacy_user_id) values ('doctor', 'a', 'b', 'nobody', 'u', true, 1)"
if grep -q 'violates check constraint "email_format"' "$work/stderr"; then
	pass "target: ... by the constraint email_format"
else
	fail "target: ... by the constraint email_format" "$(cat "$work/stderr")"
fi

# The file splits at "-- ferry: constraints": tables first, keys after,
# and the two halves give the same schema as the whole.
marker=$(grep -c '^-- ferry: constraints$' "$schema/target.sql")
is "$marker" 1 "target: one constraints marker"
sed '/^-- ferry: constraints$/,$d' "$schema/target.sql" >"$work/tables.sql"
sed -n '/^-- ferry: constraints$/,$p' "$schema/target.sql" >"$work/constraints.sql"
unlike "$(cat "$work/tables.sql")" 'ALTER TABLE' "target: no ALTER TABLE before the marker"
unlike "$(cat "$work/constraints.sql")" 'CREATE TABLE' "target: no CREATE TABLE after the marker"
fresh_db target_split
ok "target: the halves load one after the other" \
	psql -X -q -1 -v ON_ERROR_STOP=1 -d target_split -f "$work/tables.sql" -f "$work/constraints.sql"
shape="select count(*) || ' ' || md5(string_agg(conrelid::regclass || ' ' || pg_get_constraintdef(oid), ';'
		order by conrelid::regclass::text, pg_get_constraintdef(oid)))
	from pg_constraint where connamespace = 'public'::regnamespace"
is "$(sql target_split "$shape")" "$(sql target_schema "$shape")" \
	"target: the halves give the same constraints as the whole"

done_testing
