#!/bin/bash
# gen-legacy at scale 0.01: every table has rows, ferry_rows holds the
# true row counts, and every kind of dirt in ferry_dirt has the count
# that an independent query finds in the data.
. "$(dirname "$0")/lib.sh"

# FERRY_GEN_SCALE checks another scale (the default 0.01 is the one of the
# issue: every kind at its floor).
scale=${FERRY_GEN_SCALE:-0.01}
db=gen_counts
fresh_db $db
ok "gen-legacy --create --scale $scale" gen-legacy -d dbname=$db --create --scale "$scale" --seed 3

# Row counts, each counted on its own.
bad=
for table in $(sql $db "select table_name from ferry_rows order by 1"); do
	declared=$(sql $db "select rows from ferry_rows where table_name = '$table'")
	actual=$(sql $db "select count(*) from \"$table\"")
	[ "$declared" = "$actual" ] || bad="$bad $table:$declared/$actual"
done
is "$bad" "" "ferry_rows: the count of every legacy table"
is "$(sql $db "select count(*) from ferry_rows")" 28 "ferry_rows: 28 legacy tables"
is "$(sql $db "select string_agg(table_name, ' ') from ferry_rows where rows = 0")" \
	"dispatch_purchase" "every table has rows but dispatch_purchase (empty, as in reality)"
is "$(sql $db "select string_agg(kind, ' ') from ferry_dirt where count < 1")" "" \
	"every kind of dirt is there at scale $scale"
is "$(sql $db "select count(*) from ferry_dirt f where table_name not in
	(select table_name from ferry_rows)")" 0 "every kind names a legacy table"

# kind|query: the count of each kind, by a query written from its
# description (docs/mapping.md), not from the generator.
cat >"$work/checks" <<'EOF'
user_name_literal_null|select count(*) from auth_user where first_name = 'null' or last_name = 'null'
user_name_empty|select count(*) from auth_user where first_name = ''
user_email_without_at|select count(*) from auth_user where email <> '' and strpos(email, '@') = 0
user_email_empty|select count(*) from auth_user where email = ''
user_email_duplicate|select count(*) - count(distinct lower(btrim(email))) from auth_user where email like '%@%'
user_name_duplicate|select count(*) - count(distinct (first_name, last_name)) from auth_user where btrim(first_name) not in ('', 'null') and last_name not in ('', 'null')
user_name_japanese|select count(*) from auth_user where octet_length(first_name) > char_length(first_name)
user_patient_in_doctor_group|select count(*) from auth_user u where exists (select from dispatch_patient p where p.user_id = u.id) and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 2)
user_patient_group_without_patient_row|select count(*) from auth_user u where not exists (select from dispatch_patient p where p.user_id = u.id) and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 1)
user_doctor_in_technician_group|select count(*) from auth_user u where exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 2) and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 11)
user_doctor_in_admin_group|select count(*) from auth_user u where exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 2) and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 4)
user_technician_name_blank|select count(*) from auth_user u where btrim(first_name) = '' and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 11)
user_technician_inactive|select count(*) from auth_user u where not is_active and exists (select from auth_user_groups g where g.user_id = u.id and g.group_id = 11)
user_without_group|select count(*) from auth_user u where not exists (select from auth_user_groups g where g.user_id = u.id)
user_patient|select count(*) from auth_user u where exists (select from dispatch_patient p where p.user_id = u.id)
user_doctor|select count(*) from (select user_id from auth_user_groups group by user_id having array_agg(group_id) = '{2}') s
user_technician|select count(*) from (select user_id from auth_user_groups group by user_id having array_agg(group_id) = '{11}') s
user_admin|select count(*) from (select user_id from auth_user_groups group by user_id having array_agg(group_id) = '{4}') s
user_master|select count(*) from (select user_id from auth_user_groups group by user_id having array_agg(group_id) = '{5}') s
user_sales|select count(*) from (select user_id from auth_user_groups group by user_id having array_agg(group_id) = '{3}') s
office_name_empty|select count(*) from dispatch_office where btrim(coalesce(name, '')) = ''
office_duplicate|select count(*) - count(distinct (name, address, city, state, zip)) from dispatch_office where btrim(coalesce(name, '')) <> ''
office_tax_rate_percent|select count(*) from dispatch_office where tax_rate > 1
office_tax_rate_null|select count(*) from dispatch_office where tax_rate is null
office_text_punctuation|select count(*) from dispatch_office where address ~ E'[",\n]'
office_country_variant|select count(*) from dispatch_office where country not in ('USA', 'Japan', 'India', 'Thailand', 'Vietnam', 'Australia', 'Philippines', 'Singapore', 'France', 'New Zealand')
office_country_null|select count(*) from dispatch_office where country is null
office_text_japanese|select count(*) from dispatch_office where octet_length(name) > char_length(name)
office_invalid|select count(*) from dispatch_office where not valid
office_doctor_orphan_office|select count(*) from dispatch_office_doctors d where not exists (select from dispatch_office o where o.id = d.office_id)
office_doctor_further_office|select count(*) - count(distinct user_id) from dispatch_office_doctors d where exists (select from dispatch_office o where o.id = d.office_id)
patient_orphan_user|select count(*) from dispatch_patient p where not exists (select from auth_user u where u.id = p.user_id)
patient_unknown_status|select count(*) from dispatch_patient where status not in (1, 2, 4, 10)
patient_orphan_doctor|select count(*) from dispatch_patient p where doctor_id is not null and not exists (select from auth_user u where u.id = p.doctor_id)
patient_orphan_office|select count(*) from dispatch_patient p where office_id is not null and not exists (select from dispatch_office o where o.id = p.office_id)
patient_without_office|select count(*) from dispatch_patient where office_id is null
patient_suffix_missing|select count(*) from dispatch_patient where btrim(coalesce(suffix, '')) = ''
patient_schemes_malformed|select count(*) from dispatch_patient where not pg_temp.is_json(schemes)
product_deleted|select count(*) from dispatch_product where deleted
product_course_not_migrated|select count(*) from dispatch_product where not deleted and (course_id is null or course_id not in (1, 2, 3, 7))
product_customization_malformed|select count(*) from dispatch_product where not pg_temp.is_json(customization)
instruction_soft_deleted|select count(*) from dispatch_instruction where deleted
instruction_orphan_patient|select count(*) from dispatch_instruction i where not exists (select from dispatch_patient p where p.id = i.patient_id)
instruction_unknown_status|select count(*) from dispatch_instruction where status not in (0, 1, 2, 4)
instruction_unknown_course|select count(*) from dispatch_instruction where course_id is null or course_id not in (1, 2, 3, 4, 7, 8)
instruction_exports_malformed|select count(*) from dispatch_instruction where not pg_temp.is_json(exports)
instruction_text_japanese|select count(*) from dispatch_instruction where octet_length(notes) > char_length(notes)
instruction_text_punctuation|select count(*) from dispatch_instruction where octet_length(notes) = char_length(notes) and notes ~ E'[",;''\\\\\t\r\n]|^ | $'
instruction_notes_empty_string|select count(*) from dispatch_instruction where notes = ''
file_with_instruction|select count(*) from dispatch_file where instruction_id is not null
file_with_record|select count(*) from dispatch_file where record_id is not null
file_without_links|select count(*) from dispatch_file where instruction_id is null and record_id is null
file_orphan_instruction|select count(*) from dispatch_file f where instruction_id is not null and not exists (select from dispatch_instruction i where i.id = f.instruction_id)
file_parameters_malformed|select count(*) from dispatch_file where not pg_temp.is_json(parameters)
file_extension_with_dot|select count(*) from dispatch_file where ext like '.%' or ext <> lower(ext)
file_name_special|select count(*) from dispatch_file where octet_length(name) > char_length(name) or name ~ E'[",\n'']|^ | $'
file_orphan_record|select count(*) from dispatch_file f where record_id is not null and not exists (select from dispatch_record r where r.id = f.record_id)
record_other_content_type|select count(*) from dispatch_record r where target_type_id not in (select id from django_content_type where (app_label, model) in (('dispatch', 'patient'), ('auth', 'user')))
record_orphan_patient|select count(*) from dispatch_record r where target_type_id = (select id from django_content_type where app_label = 'dispatch' and model = 'patient') and not exists (select from dispatch_patient p where p.id = r.target_id)
record_orphan_user|select count(*) from dispatch_record r where target_type_id = (select id from django_content_type where app_label = 'auth' and model = 'user') and not exists (select from auth_user u where u.id = r.target_id)
record_null_author|select count(*) from dispatch_record where author_id is null
record_unknown_type|select count(*) from dispatch_record where type not in (3, 5, 6, 8)
record_text_japanese|select count(*) from dispatch_record where octet_length(text) > char_length(text)
record_text_punctuation|select count(*) from dispatch_record where octet_length(text) = char_length(text) and text ~ E'[",;''\\\\\t\r\n]|^ | $'
record_text_null|select count(*) from dispatch_record where text is null
record_target_user|select count(*) from dispatch_record r where target_type_id = (select id from django_content_type where app_label = 'auth' and model = 'user') and exists (select from auth_user u where u.id = r.target_id)
attachment_duplicate_of_file_link|select count(*) from dispatch_record_attachments a where exists (select from dispatch_file f where f.id = a.file_id and f.record_id = a.record_id)
attachment_orphan_file|select count(*) from dispatch_record_attachments a where not exists (select from dispatch_file f where f.id = a.file_id)
attachment_link|select count(*) from dispatch_record_attachments a where exists (select from dispatch_file f where f.id = a.file_id and f.record_id is distinct from a.record_id)
state_null_instruction|select count(*) from dispatch_state where instruction_id is null
state_orphan_instruction|select count(*) from dispatch_state s where instruction_id is not null and not exists (select from dispatch_instruction i where i.id = s.instruction_id)
state_unknown_status|select count(*) from dispatch_state where status not between 11 and 20
state_null_actor|select count(*) from dispatch_state where actor_id is null
state_orphan_actor|select count(*) from dispatch_state s where actor_id is not null and not exists (select from auth_user u where u.id = s.actor_id)
project_orphan_creator|select count(*) from dispatch_project p where creator_id is not null and not exists (select from auth_user u where u.id = p.creator_id)
project_null_creator|select count(*) from dispatch_project where creator_id is null
plan_orphan_project|select count(*) from dispatch_plan p where not exists (select from dispatch_project j where j.id = p.project_id)
plan_orphan_instruction|select count(*) from dispatch_plan p where instruction_id is not null and not exists (select from dispatch_instruction i where i.id = p.instruction_id)
plan_without_instruction|select count(*) from dispatch_plan where instruction_id is null
plan_name_empty|select count(*) from dispatch_plan where btrim(coalesce(name, '')) = ''
comment_blank_text|select count(*) from dispatch_comment where btrim(coalesce(text, '')) = ''
comment_orphan_plan|select count(*) from dispatch_comment c where not exists (select from dispatch_plan p where p.id = c.plan_id)
comment_plan_without_order|select count(*) from dispatch_comment c join dispatch_plan p on p.id = c.plan_id where p.instruction_id is null
comment_null_author|select count(*) from dispatch_comment where author_id is null
comment_orphan_author|select count(*) from dispatch_comment c where author_id is not null and not exists (select from auth_user u where u.id = c.author_id)
comment_text_japanese|select count(*) from dispatch_comment where octet_length(text) > char_length(text)
comment_text_punctuation|select count(*) from dispatch_comment where octet_length(text) = char_length(text) and btrim(text) <> '' and text ~ E'[",;''\\\\\t\r\n]|^ | $'
bracket_orphan_project|select count(*) from dispatch_bracket b where not exists (select from dispatch_project p where p.id = b.project_id)
bracket_name_empty|select count(*) from dispatch_bracket where btrim(coalesce(name, '')) = ''
bracket_test_name|select count(*) from dispatch_bracket where name ~* '^(test|dev)'
role_assigned_to_technician|select count(*) from dispatch_role r where group_id = 11 and exists (select from auth_user_groups g where g.user_id = r.user_id and g.group_id = 11)
role_without_user|select count(*) from dispatch_role where group_id = 11 and user_id is null
role_user_not_technician|select count(*) from dispatch_role r where group_id = 11 and exists (select from auth_user u where u.id = r.user_id) and not exists (select from auth_user_groups g where g.user_id = r.user_id and g.group_id = 11)
role_orphan_user|select count(*) from dispatch_role r where group_id = 11 and user_id is not null and not exists (select from auth_user u where u.id = r.user_id)
role_other_group|select count(*) from dispatch_role where group_id is distinct from 11
template_orphan_category|select count(*) from dispatch_template t where category_id is not null and not exists (select from dispatch_category c where c.id = t.category_id)
template_without_name|select count(*) from dispatch_template where task_name is null and text_name is null
template_view_group_orphan_template|select count(*) from dispatch_template_view_groups j where not exists (select from dispatch_template t where t.id = j.template_id)
template_view_group_orphan_group|select count(*) from dispatch_template_view_groups j where not exists (select from auth_group g where g.id = j.group_id)
template_view_role_orphan_template|select count(*) from dispatch_template_view_roles j where not exists (select from dispatch_template t where t.id = j.template_id)
template_view_role_orphan_role|select count(*) from dispatch_template_view_roles j where not exists (select from dispatch_role r where r.id = j.role_id)
payment_paid|select count(*) from dispatch_payment p where paid and not canceled and not free and total_price > 0 and tax_rate <= 1 and exists (select from dispatch_instruction i where i.id = p.instruction_id)
payment_orphan_instruction|select count(*) from dispatch_payment p where not exists (select from dispatch_instruction i where i.id = p.instruction_id)
payment_tax_rate_percent|select count(*) from dispatch_payment where tax_rate > 1
payment_free_with_total|select count(*) from dispatch_payment where paid and not canceled and free and total_price > 0
payment_zero_total|select count(*) from dispatch_payment where paid and not canceled and not free and total_price = 0
payment_null_total|select count(*) from dispatch_payment where total_price is null
payment_free|select count(*) from dispatch_payment where paid and not canceled and free and total_price = 0
payment_canceled|select count(*) from dispatch_payment where paid and canceled and not free
payment_canceled_free|select count(*) from dispatch_payment where paid and canceled and free
payment_unpaid|select count(*) from dispatch_payment where not paid and not canceled and not free
payment_unpaid_free|select count(*) from dispatch_payment where not paid and not canceled and free
payment_unpaid_canceled|select count(*) from dispatch_payment where not paid and canceled and not free
payment_unpaid_canceled_free|select count(*) from dispatch_payment where not paid and canceled and free
EOF

is_json='create function pg_temp.is_json(t text) returns boolean language plpgsql as $$
begin
	if t is null then return true; end if;
	perform t::jsonb;
	return true;
exception when others then
	return false;
end $$;'

bad=
checked=0
while IFS='|' read -r kind query; do
	declared=$(sql $db "select count from ferry_dirt where kind = '$kind'")
	actual=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c "$is_json" -c "$query" 2>&1)
	checked=$((checked + 1))
	[ -n "$declared" ] && [ "$declared" = "$actual" ] || bad="$bad $kind:${declared:-undeclared}/$actual"
done <"$work/checks"
is "$bad" "" "ferry_dirt: every kind has the count an independent query finds"
is "$(sql $db "select count(*) from ferry_dirt")" "$checked" "every declared kind is checked"

# The floors the issue asks for.
is "$(sql $db "select count(distinct user_id) >= 3 and min(n) >= 2
	from (select user_id, count(*) n from dispatch_role where group_id = 11
		and user_id in (select user_id from auth_user_groups where group_id = 11)
		group by user_id) s")" t "several technicians with several roles each"
is "$(sql $db "select count(*) >= 4 from dispatch_template")" t "several templates"
is "$(sql $db "select count(distinct (paid, canceled, free)) from dispatch_payment")" 8 \
	"payments of every paid / canceled / free combination"
is "$(sql $db "select count(distinct (paid, canceled, free)) from dispatch_payment
	where total_price = 0")" 2 "... zero totals paid, free or not"
is "$(sql $db "select count(*) from dispatch_purchase")" 0 "dispatch_purchase is empty"
is "$(sql $db "select count(*) from (select user_id from auth_user_groups
	group by user_id having count(*) > 1) s")" \
	"$(sql $db "select sum(count) from ferry_dirt where kind in ('user_patient_in_doctor_group',
		'user_doctor_in_technician_group', 'user_doctor_in_admin_group')")" \
	"users in several groups: the three kinds"
is "$(sql $db "select count(distinct target_type_id) from dispatch_record")" 5 \
	"records point at patients, users and three other content types"
is "$(sql $db "select (select id from django_content_type where app_label = 'dispatch'
	and model = 'patient') || ' ' || (select id from django_content_type where app_label = 'auth'
	and model = 'user') || ' ' || count(*) from django_content_type")" "11 58 51" \
	"content types: patient 11, user 58, 51 in all"

# Values the pipelines rely on.
is "$(sql $db "select count(*) from dispatch_instruction i join dispatch_patient p
	on p.id = i.patient_id where i.suffix is distinct from p.suffix and p.suffix is not null")" 0 \
	"an instruction's suffix is its patient's"
is "$(sql $db "select count(*) from dispatch_payment where total_price is not null and
	total_price <> subtotal_price + tax_value + additional_price - used_credit")" 0 \
	"payment totals add up to the cent"
is "$(sql $db "select count(*) from dispatch_payment where paid_price <> case when paid
	then coalesce(total_price, paid_price) else 0 end")" 0 "paid_price is the total when paid"
is "$(sql $db "select count(*) from dispatch_payment where scale(total_price) > 2
	or scale(tax_value) > 2")" 0 "money has cents, no more"

done_testing
