-- pipelines/gen/90-declare.sql: what the generator made, written into the
-- legacy database from its plan (never counted from the generated
-- tables), then the sequences set and the working schema dropped.
--
--   ferry_generation   one row: seed, scale
--   ferry_rows         (table_name, rows): every legacy table
--   ferry_dirt         (kind, class, table_name, count, effect): every
--                      kind of dirt, and the shapes the counts need
--   ferry_expected     (target_table, source_table, source, filtered,
--                      rejected, inserted, rule): what a correct migration
--                      of a fresh target does, by docs/mapping.md

CREATE TABLE ferry_generation (
	seed bigint NOT NULL,
	scale numeric NOT NULL
);
INSERT INTO ferry_generation SELECT seed, scale FROM ferry_gen.param;

CREATE TABLE ferry_rows (
	table_name text PRIMARY KEY,
	rows bigint NOT NULL
);
INSERT INTO ferry_rows (table_name, rows)
SELECT tbl, n FROM ferry_gen.plan
UNION ALL VALUES
	('django_content_type', 51),
	('auth_group', 11),
	('dispatch_course', 6),
	('dispatch_purchase', 0)
UNION ALL
SELECT 'auth_user_groups', sum(count * cardinality(ferry_gen.user_groups(name)))
FROM ferry_gen.segment WHERE tbl = 'auth_user';

CREATE TABLE ferry_dirt (
	kind text PRIMARY KEY,
	class text NOT NULL,		-- dirt, or shape (a count the migration needs)
	table_name text NOT NULL,	-- the legacy table it is in
	count bigint NOT NULL,
	effect text NOT NULL		-- what it becomes (docs/mapping.md)
);
INSERT INTO ferry_dirt (kind, class, table_name, count, effect)
SELECT k.kind, k.class, k.table_name,
	coalesce((SELECT sum(s.count) FROM ferry_gen.segment s WHERE s.kind = k.kind), 0)
	+ coalesce((SELECT sum(s.count) FROM ferry_gen.class_kind c
		JOIN ferry_gen.segment s ON s.tbl = c.tbl
			AND (s.name = c.class OR s.name LIKE c.class || '.%')
		WHERE c.kind = k.kind), 0)
	+ coalesce((SELECT s.count FROM ferry_gen.spread_kind s WHERE s.kind = k.kind), 0),
	k.effect
FROM ferry_gen.kind k;

-- Expected counts per target table, in DESIGN.md's vocabulary: source =
-- filtered + rejected + inserted (nothing is present in a fresh target).
CREATE TABLE ferry_expected (
	target_table text PRIMARY KEY,
	source_table text NOT NULL,
	source bigint NOT NULL,
	filtered bigint NOT NULL,
	rejected bigint NOT NULL,
	inserted bigint NOT NULL,
	rule text NOT NULL,
	CHECK (source = filtered + rejected + inserted)
);

CREATE FUNCTION ferry_gen.d(kind text) RETURNS bigint LANGUAGE sql STABLE
AS 'SELECT count FROM ferry_dirt WHERE ferry_dirt.kind = d.kind';
CREATE FUNCTION ferry_gen.rows_of(t text) RETURNS bigint LANGUAGE sql STABLE
AS 'SELECT rows FROM ferry_rows WHERE table_name = t';

INSERT INTO ferry_expected (target_table, source_table, source, filtered, rejected, inserted, rule)
SELECT target, source_table, source, filtered, rejected, source - filtered - rejected, rule
FROM (VALUES
	('teams', 'auth_group', ferry_gen.rows_of('auth_group'), 0, 0,
		'every group'),
	('categories', 'dispatch_category', ferry_gen.rows_of('dispatch_category'), 0, 0,
		'every category'),
	('offices', 'dispatch_office', ferry_gen.rows_of('dispatch_office'), 0, 0,
		'every office, valid or not'),
	('profiles', 'auth_user', ferry_gen.rows_of('auth_user'), 0, 0,
		'every user'),
	('roles', 'dispatch_role', ferry_gen.rows_of('dispatch_role'), 0, 0,
		'every role'),
	('doctors', 'auth_user', ferry_gen.rows_of('auth_user'),
		ferry_gen.rows_of('auth_user') - ferry_gen.d('user_doctor')
			- ferry_gen.d('user_doctor_in_technician_group')
			- ferry_gen.d('user_doctor_in_admin_group'), 0,
		'filtered: users outside the doctors set'),
	('doctor_offices', 'dispatch_office_doctors', ferry_gen.rows_of('dispatch_office_doctors'),
		0, ferry_gen.d('office_doctor_orphan_office'),
		'rejected: office_doctor_orphan_office'),
	('patients', 'dispatch_patient', ferry_gen.rows_of('dispatch_patient'), 0,
		ferry_gen.d('patient_orphan_user') + ferry_gen.d('patient_unknown_status'),
		'rejected: patient_orphan_user, patient_unknown_status'),
	('cases', 'dispatch_patient', ferry_gen.rows_of('dispatch_patient'), 0,
		ferry_gen.d('patient_orphan_user') + ferry_gen.d('patient_unknown_status'),
		'rejected: patient_orphan_user, patient_unknown_status'),
	('products', 'dispatch_product', ferry_gen.rows_of('dispatch_product'),
		ferry_gen.d('product_deleted') + ferry_gen.d('product_course_not_migrated'), 0,
		'filtered: product_deleted, product_course_not_migrated'),
	('orders', 'dispatch_instruction', ferry_gen.rows_of('dispatch_instruction'),
		ferry_gen.d('instruction_soft_deleted'),
		ferry_gen.d('instruction_orphan_patient') + ferry_gen.d('instruction_unknown_status')
			+ ferry_gen.d('instruction_unknown_course'),
		'filtered: instruction_soft_deleted; rejected: instruction_orphan_patient, instruction_unknown_status, instruction_unknown_course'),
	('order_cases', 'dispatch_instruction', ferry_gen.rows_of('dispatch_instruction'),
		ferry_gen.d('instruction_soft_deleted'),
		ferry_gen.d('instruction_orphan_patient') + ferry_gen.d('instruction_unknown_status')
			+ ferry_gen.d('instruction_unknown_course'),
		'as orders (rejected: no order)'),
	('order_states', 'dispatch_state', ferry_gen.rows_of('dispatch_state'),
		ferry_gen.d('state_null_instruction'), ferry_gen.d('state_orphan_instruction'),
		'filtered: state_null_instruction; rejected: state_orphan_instruction'),
	('files', 'dispatch_file', ferry_gen.rows_of('dispatch_file'), 0, 0,
		'every file'),
	('order_files', 'dispatch_file', ferry_gen.rows_of('dispatch_file'),
		ferry_gen.rows_of('dispatch_file') - ferry_gen.d('file_with_instruction'),
		ferry_gen.d('file_orphan_instruction'),
		'filtered: files without instruction_id; rejected: file_orphan_instruction'),
	('messages', 'dispatch_record', ferry_gen.rows_of('dispatch_record'),
		ferry_gen.d('record_other_content_type'),
		ferry_gen.d('record_orphan_patient') + ferry_gen.d('record_orphan_user'),
		'filtered: record_other_content_type; rejected: record_orphan_patient, record_orphan_user'),
	('message_attachments', 'dispatch_file+dispatch_record_attachments',
		ferry_gen.rows_of('dispatch_file') + ferry_gen.rows_of('dispatch_record_attachments'),
		ferry_gen.rows_of('dispatch_file') - ferry_gen.d('file_with_record')
			+ ferry_gen.d('attachment_duplicate_of_file_link'),
		ferry_gen.d('file_orphan_record') + ferry_gen.d('attachment_orphan_file'),
		'filtered: files without record_id, attachment_duplicate_of_file_link; rejected: file_orphan_record, attachment_orphan_file'),
	('projects', 'dispatch_project', ferry_gen.rows_of('dispatch_project'), 0, 0,
		'every project'),
	('treatment_plans', 'dispatch_plan', ferry_gen.rows_of('dispatch_plan'), 0,
		ferry_gen.d('plan_orphan_project'),
		'rejected: plan_orphan_project'),
	('comments', 'dispatch_comment', ferry_gen.rows_of('dispatch_comment'),
		ferry_gen.d('comment_blank_text'), ferry_gen.d('comment_orphan_plan'),
		'filtered: comment_blank_text; rejected: comment_orphan_plan'),
	('treatment_discussions', 'dispatch_comment', ferry_gen.rows_of('dispatch_comment'),
		ferry_gen.d('comment_blank_text'), ferry_gen.d('comment_orphan_plan'),
		'filtered: comment_blank_text; rejected: comment_orphan_plan'),
	('case_messages', 'dispatch_comment', ferry_gen.rows_of('dispatch_comment'),
		ferry_gen.d('comment_blank_text'),
		ferry_gen.d('comment_orphan_plan') + ferry_gen.d('comment_plan_without_order'),
		'filtered: comment_blank_text; rejected: comment_orphan_plan, comment_plan_without_order'),
	('technicians', 'auth_user', ferry_gen.rows_of('auth_user'),
		ferry_gen.rows_of('auth_user') - ferry_gen.d('user_technician')
			- ferry_gen.d('user_doctor_in_technician_group'), 0,
		'filtered: users outside group 11'),
	('technician_roles', 'dispatch_role', ferry_gen.rows_of('dispatch_role'),
		ferry_gen.d('role_other_group'), 0,
		'filtered: role_other_group'),
	('brackets', 'dispatch_bracket', ferry_gen.rows_of('dispatch_bracket'), 0, 0,
		'every bracket'),
	('purchases', 'dispatch_payment', ferry_gen.rows_of('dispatch_payment'),
		ferry_gen.rows_of('dispatch_payment') - ferry_gen.d('payment_paid')
			- ferry_gen.d('payment_orphan_instruction') - ferry_gen.d('payment_tax_rate_percent')
			- ferry_gen.d('payment_free_with_total'),
		ferry_gen.d('payment_orphan_instruction'),
		'filtered: not (paid and not canceled and total_price > 0); rejected: payment_orphan_instruction'),
	('templates', 'dispatch_template', ferry_gen.rows_of('dispatch_template'), 0, 0,
		'every template'),
	('template_view_groups', 'dispatch_template_view_groups',
		ferry_gen.rows_of('dispatch_template_view_groups'), 0,
		ferry_gen.d('template_view_group_orphan_template')
			+ ferry_gen.d('template_view_group_orphan_group'),
		'rejected: template_view_group_orphan_template, template_view_group_orphan_group'),
	('template_view_roles', 'dispatch_template_view_roles',
		ferry_gen.rows_of('dispatch_template_view_roles'), 0,
		ferry_gen.d('template_view_role_orphan_template')
			+ ferry_gen.d('template_view_role_orphan_role'),
		'rejected: template_view_role_orphan_template, template_view_role_orphan_role')
) AS e(target, source_table, source, filtered, rejected, rule);

-- Django's sequences continue after the generated ids.
SELECT format('SELECT setval(%L, %s, %L)', pg_get_serial_sequence(table_name, 'id'),
	greatest(rows, 1), rows > 0)
FROM ferry_rows
WHERE table_name NOT IN ('django_content_type', 'auth_group', 'dispatch_course') \gexec
SELECT setval(pg_get_serial_sequence('django_content_type', 'id'), 60);
SELECT setval(pg_get_serial_sequence('auth_group', 'id'), 11);
SELECT setval(pg_get_serial_sequence('dispatch_course', 'id'), 8);

DROP SCHEMA ferry_gen CASCADE;
