-- pipelines/gen/10-plan.sql: how many rows of each kind every table gets.
--
-- ferry_gen.kind lists every kind of dirt (and the shapes the migration
-- counts need, such as "files without an instruction") with what it
-- becomes in the migration; docs/mapping.md explains each at length.
-- ferry_gen.segment cuts each table into segments, in slot order; a
-- segment's count is its base (the count at scale 1) times the scale,
-- and at least its floor, so that scale 0.01 still has every kind.  The
-- segment with no base takes the rest of the table's total.  Segments
-- named CLASS and CLASS.something form a class and must be consecutive;
-- children pick parents from classes: "leaf" rows (rows some pipeline
-- filters or rejects) are never a parent, so that each kind of dirt
-- changes the counts of its own table only.

CREATE TABLE ferry_gen.kind (
	kind text PRIMARY KEY,
	class text NOT NULL CHECK (class IN ('dirt', 'shape')),
	table_name text NOT NULL,
	effect text NOT NULL
);

CREATE TABLE ferry_gen.segment (
	tbl text NOT NULL,
	ord serial,
	name text NOT NULL,
	kind text REFERENCES ferry_gen.kind,
	base numeric,		-- rows at scale 1; NULL: the rest of the total
	floor integer NOT NULL,
	count bigint,
	PRIMARY KEY (tbl, ord),
	UNIQUE (tbl, name)
);

-- Table totals at scale 1, for the segments that take the rest.
CREATE TABLE ferry_gen.total (
	tbl text PRIMARY KEY,
	base numeric NOT NULL
);

-- Kinds that count a whole class (rather than one segment).
CREATE TABLE ferry_gen.class_kind (
	kind text PRIMARY KEY REFERENCES ferry_gen.kind,
	tbl text NOT NULL,
	class text NOT NULL
);

-- Kinds spread over a table independently of its segments (a Beatty
-- sequence picks exactly `count` rows), with their counts.
CREATE TABLE ferry_gen.spread_kind (
	kind text PRIMARY KEY REFERENCES ferry_gen.kind,
	tbl text NOT NULL,
	count bigint
);

INSERT INTO ferry_gen.kind (kind, class, table_name, effect) VALUES
-- auth_user
('user_name_literal_null', 'dirt', 'auth_user', 'first_name (every other row also last_name) is the text ''null'': profiles name ''Unknown'''),
('user_name_empty', 'dirt', 'auth_user', 'first_name is '''': profiles first_name ''Unknown'''),
('user_email_without_at', 'dirt', 'auth_user', 'email without ''@'': profiles.email NULL'),
('user_email_empty', 'dirt', 'auth_user', 'email is '''': profiles.email NULL'),
('user_email_duplicate', 'dirt', 'auth_user', 'another user''s email, upper case and padded: loaded, no dedup; two profiles share the email'),
('user_name_duplicate', 'dirt', 'auth_user', 'another user''s first and last name: loaded, no dedup'),
('user_name_japanese', 'dirt', 'auth_user', 'Japanese names: loaded unchanged'),
('user_patient_in_doctor_group', 'dirt', 'auth_user', 'a patient user also in group 2: profile patient, no doctors row'),
('user_patient_group_without_patient_row', 'dirt', 'auth_user', 'group 1 but no dispatch_patient row: profile patient with suffix DEF+2 digits, no patients row'),
('user_doctor_in_technician_group', 'dirt', 'auth_user', 'groups 2 and 11: profile technician, a doctors row and a technicians row'),
('user_doctor_in_admin_group', 'dirt', 'auth_user', 'groups 2 and 4: profile admin, a doctors row'),
('user_technician_name_blank', 'dirt', 'auth_user', 'technician whose first_name is blanks: technicians.first_name = username, profiles ''Unknown'''),
('user_technician_inactive', 'shape', 'auth_user', 'technician with is_active false: technicians.status inactive'),
('user_without_group', 'dirt', 'auth_user', 'in no group, not staff: profile admin (variant b)'),
('user_patient', 'shape', 'auth_user', 'users with a dispatch_patient row (group 1)'),
('user_doctor', 'shape', 'auth_user', 'users of group 2 only'),
('user_technician', 'shape', 'auth_user', 'users of group 11 only'),
('user_admin', 'shape', 'auth_user', 'staff users of group 4: profile admin'),
('user_master', 'shape', 'auth_user', 'superusers of group 5: profile master'),
('user_sales', 'shape', 'auth_user', 'users of group 3: profile admin (variant b)'),
-- dispatch_office
('office_name_empty', 'dirt', 'dispatch_office', 'name NULL or blanks: offices.name ''Office <id>'''),
('office_duplicate', 'dirt', 'dispatch_office', 'same name, address, city, state, zip as another office: loaded, no collapse'),
('office_tax_rate_percent', 'dirt', 'dispatch_office', 'tax_rate as a percent (8.875): divided by 100'),
('office_tax_rate_null', 'dirt', 'dispatch_office', 'tax_rate NULL: 0'),
('office_text_punctuation', 'dirt', 'dispatch_office', 'quotes, commas, line ends in name and address: white space collapsed, punctuation kept'),
('office_country_variant', 'dirt', 'dispatch_office', 'country spelled otherwise (''us'', ''United States'', ''日本''...): the canonical name'),
('office_country_null', 'dirt', 'dispatch_office', 'country NULL: NULL'),
('office_text_japanese', 'dirt', 'dispatch_office', 'Japanese name and address: loaded unchanged'),
('office_invalid', 'shape', 'dispatch_office', 'valid false: loaded with is_active false'),
-- dispatch_office_doctors
('office_doctor_orphan_office', 'dirt', 'dispatch_office_doctors', 'office_id of no office: doctor_offices rejected by transform (offices.map)'),
('office_doctor_further_office', 'shape', 'dispatch_office_doctors', 'a doctor''s second office: is_primary false'),
-- dispatch_patient
('patient_orphan_user', 'dirt', 'dispatch_patient', 'user_id of no user: patients and cases rejected by transform (profiles.map)'),
('patient_unknown_status', 'dirt', 'dispatch_patient', 'status 0 or 99: patients and cases rejected by transform (status value map)'),
('patient_orphan_doctor', 'dirt', 'dispatch_patient', 'doctor_id of no user: primary_doctor_id NULL (patients, cases), doctor_id NULL (orders)'),
('patient_orphan_office', 'dirt', 'dispatch_patient', 'office_id of no office: assigned_office_id NULL (patients), office_id NULL (cases, orders)'),
('patient_without_office', 'shape', 'dispatch_patient', 'office_id NULL: NULL'),
('patient_suffix_missing', 'dirt', 'dispatch_patient', 'suffix NULL: DEF + last two digits of user_id in profile, order and case numbers'),
('patient_schemes_malformed', 'dirt', 'dispatch_patient', 'schemes not JSON: patients.schemes NULL, schemes_raw kept'),
-- dispatch_product
('product_deleted', 'dirt', 'dispatch_product', 'deleted: products filtered'),
('product_course_not_migrated', 'dirt', 'dispatch_product', 'course 4 or 8: products filtered'),
('product_customization_malformed', 'dirt', 'dispatch_product', 'customization not JSON: customization NULL, customization_raw kept'),
-- dispatch_instruction
('instruction_soft_deleted', 'dirt', 'dispatch_instruction', 'deleted: orders and order_cases filtered'),
('instruction_orphan_patient', 'dirt', 'dispatch_instruction', 'patient_id of no patient: orders and order_cases rejected by transform (patients.map)'),
('instruction_unknown_status', 'dirt', 'dispatch_instruction', 'status 5 or 99: orders and order_cases rejected by transform (status value map)'),
('instruction_unknown_course', 'dirt', 'dispatch_instruction', 'course_id 5 or 99: orders and order_cases rejected by transform (course value map)'),
('instruction_exports_malformed', 'dirt', 'dispatch_instruction', 'exports not JSON: orders.exports NULL, exports_raw kept'),
('instruction_text_japanese', 'dirt', 'dispatch_instruction', 'Japanese notes: loaded unchanged'),
('instruction_text_punctuation', 'dirt', 'dispatch_instruction', 'quotes, commas, line ends in notes: loaded unchanged'),
('instruction_notes_empty_string', 'dirt', 'dispatch_instruction', 'notes '''' (not NULL): loaded as '''''),
-- dispatch_file
('file_with_instruction', 'shape', 'dispatch_file', 'instruction_id set (orphans included): order_files source'),
('file_with_record', 'shape', 'dispatch_file', 'record_id set (orphans included): message_attachments source'),
('file_without_links', 'shape', 'dispatch_file', 'neither instruction_id nor record_id'),
('file_orphan_instruction', 'dirt', 'dispatch_file', 'instruction_id of no instruction: files.order_id NULL; order_files rejected by transform (orders.map)'),
('file_parameters_malformed', 'dirt', 'dispatch_file', 'parameters not JSON: files.parameters NULL, parameters_raw kept'),
('file_extension_with_dot', 'dirt', 'dispatch_file', 'ext ''.stl'' or upper case: files.extension lower case without the dot'),
('file_name_special', 'dirt', 'dispatch_file', 'Japanese, quotes, commas, line ends in the name: loaded unchanged'),
('file_orphan_record', 'dirt', 'dispatch_file', 'record_id of no record: message_attachments rejected by transform (messages.map)'),
-- dispatch_record
('record_other_content_type', 'dirt', 'dispatch_record', 'target type neither patient nor user: messages filtered'),
('record_orphan_patient', 'dirt', 'dispatch_record', 'target patient does not exist: messages rejected by transform (patients.map)'),
('record_orphan_user', 'dirt', 'dispatch_record', 'target user does not exist: messages rejected by transform (profiles.map)'),
('record_null_author', 'dirt', 'dispatch_record', 'author_id NULL: sender_id NULL'),
('record_unknown_type', 'dirt', 'dispatch_record', 'type 1 or 99: message_type general, legacy_type kept'),
('record_text_japanese', 'dirt', 'dispatch_record', 'Japanese text: loaded unchanged'),
('record_text_punctuation', 'dirt', 'dispatch_record', 'quotes, commas, line ends: loaded unchanged'),
('record_text_null', 'dirt', 'dispatch_record', 'text NULL: content '''''),
('record_target_user', 'shape', 'dispatch_record', 'target is a user: recipient_type user'),
-- dispatch_record_attachments
('attachment_duplicate_of_file_link', 'dirt', 'dispatch_record_attachments', 'the pair is also a dispatch_file.record_id link: filtered (one row per pair)'),
('attachment_orphan_file', 'dirt', 'dispatch_record_attachments', 'file_id of no file: message_attachments rejected by transform (files.map)'),
('attachment_link', 'shape', 'dispatch_record_attachments', 'a link found only here: loaded'),
-- dispatch_state
('state_null_instruction', 'dirt', 'dispatch_state', 'instruction_id NULL: order_states filtered'),
('state_orphan_instruction', 'dirt', 'dispatch_state', 'instruction_id of no instruction: order_states rejected by transform (orders.map)'),
('state_unknown_status', 'dirt', 'dispatch_state', 'status 7 or 99: status_name unknown_<n>'),
('state_null_actor', 'dirt', 'dispatch_state', 'actor_id NULL: changed_by NULL'),
('state_orphan_actor', 'dirt', 'dispatch_state', 'actor_id of no user: changed_by NULL, legacy_actor_id kept'),
-- dispatch_project
('project_orphan_creator', 'dirt', 'dispatch_project', 'creator_id of no user: creator_id NULL, legacy_creator_id kept'),
('project_null_creator', 'dirt', 'dispatch_project', 'creator_id NULL: creator_id NULL'),
-- dispatch_plan
('plan_orphan_project', 'dirt', 'dispatch_plan', 'project_id of no project: treatment_plans rejected by transform (projects.map)'),
('plan_orphan_instruction', 'dirt', 'dispatch_plan', 'instruction_id of no instruction: order_id NULL, legacy_instruction_id kept'),
('plan_without_instruction', 'dirt', 'dispatch_plan', 'instruction_id NULL: order_id NULL (its comments reach no case)'),
('plan_name_empty', 'dirt', 'dispatch_plan', 'name NULL or '''': plan_name ''Treatment Plan <id>'''),
-- dispatch_comment
('comment_blank_text', 'dirt', 'dispatch_comment', 'text NULL, '''' or blanks: comments, treatment_discussions and case_messages filtered'),
('comment_orphan_plan', 'dirt', 'dispatch_comment', 'plan_id of no plan: comments and treatment_discussions rejected (treatment_plans.map), case_messages rejected by load (no case)'),
('comment_plan_without_order', 'dirt', 'dispatch_comment', 'its plan has no instruction: case_messages rejected by load (no case); comments and treatment_discussions loaded'),
('comment_null_author', 'dirt', 'dispatch_comment', 'author_id NULL: author_id / sender_id NULL'),
('comment_orphan_author', 'dirt', 'dispatch_comment', 'author_id of no user: author_id / sender_id NULL, legacy_author_id kept'),
('comment_text_japanese', 'dirt', 'dispatch_comment', 'Japanese text: loaded unchanged'),
('comment_text_punctuation', 'dirt', 'dispatch_comment', 'quotes, commas, line ends: loaded unchanged'),
-- dispatch_bracket
('bracket_orphan_project', 'dirt', 'dispatch_bracket', 'project_id of no project: brackets.project_id NULL, legacy_project_id kept'),
('bracket_name_empty', 'dirt', 'dispatch_bracket', 'name NULL or '''': ''Unnamed Bracket'''),
('bracket_test_name', 'shape', 'dispatch_bracket', 'a test/development bracket: metadata.is_test true'),
-- dispatch_role
('role_assigned_to_technician', 'shape', 'dispatch_role', 'group 11, user a technician (three roles each): technician_roles on that technician'),
('role_without_user', 'dirt', 'dispatch_role', 'group 11, user_id NULL: technician_id NULL'),
('role_user_not_technician', 'dirt', 'dispatch_role', 'group 11, user is a doctor: technician_id NULL'),
('role_orphan_user', 'dirt', 'dispatch_role', 'group 11, user_id of no user: technician_id NULL'),
('role_other_group', 'shape', 'dispatch_role', 'group other than 11: roles only; technician_roles filtered'),
-- dispatch_template and its junctions
('template_orphan_category', 'dirt', 'dispatch_template', 'category_id of no category: category_id NULL, legacy_category_id kept'),
('template_without_name', 'dirt', 'dispatch_template', 'task_name and text_name NULL: name ''Template <id>'''),
('template_view_group_orphan_template', 'dirt', 'dispatch_template_view_groups', 'template_id of no template: rejected by transform (templates.map)'),
('template_view_group_orphan_group', 'dirt', 'dispatch_template_view_groups', 'group_id of no group: rejected by transform (teams.map)'),
('template_view_role_orphan_template', 'dirt', 'dispatch_template_view_roles', 'template_id of no template: rejected by transform (templates.map)'),
('template_view_role_orphan_role', 'dirt', 'dispatch_template_view_roles', 'role_id of no role: rejected by transform (roles.map)'),
-- dispatch_payment: every combination of paid, canceled, free
('payment_paid', 'shape', 'dispatch_payment', 'paid, not canceled, not free, total > 0: purchases loaded'),
('payment_orphan_instruction', 'dirt', 'dispatch_payment', 'paid, total > 0, instruction_id of no instruction: purchases rejected by transform (orders.map)'),
('payment_tax_rate_percent', 'dirt', 'dispatch_payment', 'paid, total > 0, tax_rate as a percent: loaded, tax_rate divided by 100'),
('payment_free_with_total', 'dirt', 'dispatch_payment', 'paid, free, total > 0: loaded with is_free true'),
('payment_zero_total', 'dirt', 'dispatch_payment', 'paid, not free, total 0: purchases filtered'),
('payment_null_total', 'dirt', 'dispatch_payment', 'paid, total NULL: purchases filtered'),
('payment_free', 'dirt', 'dispatch_payment', 'paid, free, total 0: purchases filtered'),
('payment_canceled', 'dirt', 'dispatch_payment', 'paid and canceled: purchases filtered'),
('payment_canceled_free', 'dirt', 'dispatch_payment', 'paid, canceled, free: purchases filtered'),
('payment_unpaid', 'shape', 'dispatch_payment', 'not paid, not canceled, not free: purchases filtered'),
('payment_unpaid_free', 'dirt', 'dispatch_payment', 'not paid, free: purchases filtered'),
('payment_unpaid_canceled', 'dirt', 'dispatch_payment', 'not paid, canceled: purchases filtered'),
('payment_unpaid_canceled_free', 'dirt', 'dispatch_payment', 'not paid, canceled, free: purchases filtered');

INSERT INTO ferry_gen.class_kind (kind, tbl, class) VALUES
('user_patient', 'auth_user', 'patient'),
('user_doctor', 'auth_user', 'doctor'),
('user_technician', 'auth_user', 'tech'),
('user_admin', 'auth_user', 'admin'),
('user_master', 'auth_user', 'master'),
('user_sales', 'auth_user', 'sales'),
('file_with_instruction', 'dispatch_file', 'i'),
('file_with_record', 'dispatch_file', 'r'),
('file_without_links', 'dispatch_file', 'n');

INSERT INTO ferry_gen.total (tbl, base) VALUES
('dispatch_office', 897),
('dispatch_patient', 8488),
('dispatch_product', 16),
('dispatch_instruction', 25012),
('dispatch_jaw', 43458),
('dispatch_file', 327771),
('dispatch_record', 70742),
('dispatch_state', 5500),
('dispatch_project', 72000),
('dispatch_plan', 209241),
('dispatch_comment', 16312),
('dispatch_bracket', 1720),
('dispatch_category', 44),
('dispatch_template', 169),
('dispatch_template_view_groups', 199),
('dispatch_template_view_roles', 1111),
('dispatch_payment', 17235);

-- Segments, in slot order.  (tbl, name, kind, base, floor)
INSERT INTO ferry_gen.segment (tbl, name, kind, base, floor) VALUES
-- auth_user: 9,839 at scale 1.  The patient class has one user per
-- dispatch_patient row with a real user (set below); doctors are
-- 1,223 + 3 + 2, technicians 82 + 3 = 85.
('auth_user', 'patient.name_null', 'user_name_literal_null', 20, 2),
('auth_user', 'patient.name_empty', 'user_name_empty', 15, 2),
('auth_user', 'patient.email_without_at', 'user_email_without_at', 40, 2),
('auth_user', 'patient.email_empty', 'user_email_empty', 150, 2),
('auth_user', 'patient.email_duplicate', 'user_email_duplicate', 30, 2),
('auth_user', 'patient.name_duplicate', 'user_name_duplicate', 40, 2),
('auth_user', 'patient.name_japanese', 'user_name_japanese', 150, 2),
('auth_user', 'patient.also_doctor', 'user_patient_in_doctor_group', 3, 2),
('auth_user', 'patient', NULL, NULL, 20),
('auth_user', 'patient_no_row', 'user_patient_group_without_patient_row', 6, 2),
('auth_user', 'doctor.name_null', 'user_name_literal_null', 5, 2),
('auth_user', 'doctor.email_duplicate', 'user_email_duplicate', 4, 2),
('auth_user', 'doctor.name_japanese', 'user_name_japanese', 60, 2),
('auth_user', 'doctor', NULL, 1154, 8),
('auth_user', 'doctor_tech', 'user_doctor_in_technician_group', 3, 2),
('auth_user', 'doctor_admin', 'user_doctor_in_admin_group', 2, 2),
('auth_user', 'tech.name_blank', 'user_technician_name_blank', 2, 2),
('auth_user', 'tech.inactive', 'user_technician_inactive', 6, 1),
('auth_user', 'tech', NULL, 74, 4),
('auth_user', 'admin', NULL, 14, 2),
('auth_user', 'master', NULL, 5, 1),
('auth_user', 'sales', NULL, 20, 1),
('auth_user', 'nogroup', 'user_without_group', 8, 2),
-- dispatch_office: USA 554 (of which 80 spelled otherwise), India 155,
-- Japan 110 (10 spelled otherwise, 40 in Japanese), Thailand 64, ...
('dispatch_office', 'o.name_empty', 'office_name_empty', 3, 2),
('dispatch_office', 'o.duplicate', 'office_duplicate', 4, 2),
('dispatch_office', 'o.tax_percent', 'office_tax_rate_percent', 60, 2),
('dispatch_office', 'o.tax_null', 'office_tax_rate_null', 20, 2),
('dispatch_office', 'o.punctuation', 'office_text_punctuation', 15, 2),
('dispatch_office', 'o.country_null', 'office_country_null', 4, 2),
('dispatch_office', 'o.usa_variant', 'office_country_variant', 80, 2),
('dispatch_office', 'o.japan_variant', 'office_country_variant', 10, 2),
('dispatch_office', 'o.japanese', 'office_text_japanese', 40, 2),
('dispatch_office', 'usa', NULL, 372, 2),
('dispatch_office', 'india', NULL, 155, 1),
('dispatch_office', 'japan', NULL, 60, 1),
('dispatch_office', 'thailand', NULL, 64, 1),
('dispatch_office', 'vietnam', NULL, 3, 1),
('dispatch_office', 'australia', NULL, 3, 1),
('dispatch_office', 'other', NULL, NULL, 1),
-- dispatch_office_doctors: 424 doctors with a first office, 48 of them
-- with a second one, and links to offices that do not exist.
('dispatch_office_doctors', 'first', NULL, 424, 4),
('dispatch_office_doctors', 'further', 'office_doctor_further_office', 48, 2),
('dispatch_office_doctors', 'orphan_office', 'office_doctor_orphan_office', 5, 2),
-- dispatch_doctorsetting and dispatch_usersetting: set below.
('dispatch_doctorsetting', 'ok', NULL, 1100, 4),
('dispatch_usersetting', 'ok', NULL, NULL, 1),
-- dispatch_patient: the orphan users come first (the others are the
-- patient class of auth_user, in slot order).
('dispatch_patient', 'leaf.orphan_user', 'patient_orphan_user', 12, 2),
('dispatch_patient', 'leaf.unknown_status', 'patient_unknown_status', 9, 2),
('dispatch_patient', 'ok.orphan_doctor', 'patient_orphan_doctor', 16, 2),
('dispatch_patient', 'ok.orphan_office', 'patient_orphan_office', 10, 2),
('dispatch_patient', 'ok.no_office', 'patient_without_office', 400, 2),
('dispatch_patient', 'ok.suffix_missing', 'patient_suffix_missing', 3, 2),
('dispatch_patient', 'ok.schemes_malformed', 'patient_schemes_malformed', 20, 2),
('dispatch_patient', 'ok', NULL, NULL, 40),
-- dispatch_product
('dispatch_product', 'leaf.deleted', 'product_deleted', 3, 2),
('dispatch_product', 'leaf.course_excluded', 'product_course_not_migrated', 3, 2),
('dispatch_product', 'ok.customization_malformed', 'product_customization_malformed', 2, 2),
('dispatch_product', 'ok', NULL, NULL, 4),
-- dispatch_jaw
('dispatch_jaw', 'ok', NULL, NULL, 20),
-- dispatch_instruction
('dispatch_instruction', 'leaf.deleted', 'instruction_soft_deleted', 250, 3),
('dispatch_instruction', 'leaf.orphan_patient', 'instruction_orphan_patient', 10, 2),
('dispatch_instruction', 'leaf.unknown_status', 'instruction_unknown_status', 12, 2),
('dispatch_instruction', 'leaf.unknown_course', 'instruction_unknown_course', 6, 2),
('dispatch_instruction', 'ok.exports_malformed', 'instruction_exports_malformed', 30, 2),
('dispatch_instruction', 'ok.text_japanese', 'instruction_text_japanese', 60, 2),
('dispatch_instruction', 'ok.text_punctuation', 'instruction_text_punctuation', 60, 2),
('dispatch_instruction', 'ok.notes_empty', 'instruction_notes_empty_string', 40, 2),
('dispatch_instruction', 'ok', NULL, NULL, 60),
-- dispatch_file: about 160k with an instruction, 8.9k with a record
('dispatch_file', 'i.orphan_instruction', 'file_orphan_instruction', 20, 2),
('dispatch_file', 'i.parameters_malformed', 'file_parameters_malformed', 50, 2),
('dispatch_file', 'i.extension_with_dot', 'file_extension_with_dot', 3000, 2),
('dispatch_file', 'i.name_special', 'file_name_special', 100, 2),
('dispatch_file', 'i', NULL, 160000, 40),
('dispatch_file', 'r.orphan_record', 'file_orphan_record', 10, 2),
('dispatch_file', 'r', NULL, 8900, 10),
('dispatch_file', 'n', NULL, NULL, 20),
-- dispatch_record
('dispatch_record', 'leaf.other_content_type', 'record_other_content_type', 60, 3),
('dispatch_record', 'leaf.orphan_patient', 'record_orphan_patient', 20, 2),
('dispatch_record', 'leaf.orphan_user', 'record_orphan_user', 10, 2),
('dispatch_record', 'ok.null_author', 'record_null_author', 300, 2),
('dispatch_record', 'ok.unknown_type', 'record_unknown_type', 20, 2),
('dispatch_record', 'ok.text_japanese', 'record_text_japanese', 100, 2),
('dispatch_record', 'ok.text_punctuation', 'record_text_punctuation', 100, 2),
('dispatch_record', 'ok.text_null', 'record_text_null', 10, 2),
('dispatch_record', 'ok.user', 'record_target_user', 10000, 4),
('dispatch_record', 'ok', NULL, NULL, 40),
-- dispatch_record_attachments: empty in the real database; a few rows
-- so that the second source of message_attachments is exercised.
('dispatch_record_attachments', 'duplicate', 'attachment_duplicate_of_file_link', 4, 2),
('dispatch_record_attachments', 'orphan_file', 'attachment_orphan_file', 2, 2),
('dispatch_record_attachments', 'ok', 'attachment_link', 6, 3),
-- dispatch_state
('dispatch_state', 'leaf.null_instruction', 'state_null_instruction', 10, 2),
('dispatch_state', 'leaf.orphan_instruction', 'state_orphan_instruction', 10, 2),
('dispatch_state', 'ok.unknown_status', 'state_unknown_status', 6, 2),
('dispatch_state', 'ok.null_actor', 'state_null_actor', 50, 2),
('dispatch_state', 'ok.orphan_actor', 'state_orphan_actor', 5, 2),
('dispatch_state', 'ok', NULL, NULL, 10),
-- dispatch_project
('dispatch_project', 'ok.orphan_creator', 'project_orphan_creator', 20, 2),
('dispatch_project', 'ok.null_creator', 'project_null_creator', 100, 2),
('dispatch_project', 'ok', NULL, NULL, 20),
-- dispatch_plan: comments of the "noorder" plans reach no case
('dispatch_plan', 'leaf.orphan_project', 'plan_orphan_project', 30, 2),
('dispatch_plan', 'leaf.orphan_instruction', 'plan_orphan_instruction', 10, 2),
('dispatch_plan', 'noorder', 'plan_without_instruction', 200, 2),
('dispatch_plan', 'ok.name_empty', 'plan_name_empty', 100, 2),
('dispatch_plan', 'ok', NULL, NULL, 40),
-- dispatch_comment
('dispatch_comment', 'leaf.blank_text', 'comment_blank_text', 40, 3),
('dispatch_comment', 'leaf.orphan_plan', 'comment_orphan_plan', 15, 2),
('dispatch_comment', 'noorder', 'comment_plan_without_order', 137, 2),
('dispatch_comment', 'ok.null_author', 'comment_null_author', 60, 2),
('dispatch_comment', 'ok.orphan_author', 'comment_orphan_author', 5, 2),
('dispatch_comment', 'ok.text_japanese', 'comment_text_japanese', 100, 2),
('dispatch_comment', 'ok.text_punctuation', 'comment_text_punctuation', 100, 2),
('dispatch_comment', 'ok', NULL, NULL, 20),
-- dispatch_bracket
('dispatch_bracket', 'ok.orphan_project', 'bracket_orphan_project', 5, 2),
('dispatch_bracket', 'ok.name_empty', 'bracket_name_empty', 10, 2),
('dispatch_bracket', 'ok.test_name', 'bracket_test_name', 293, 2),
('dispatch_bracket', 'ok', NULL, NULL, 6),
-- dispatch_category
('dispatch_category', 'ok', NULL, NULL, 4),
-- dispatch_role: 48 at scale 1, 32 of them in group 11
('dispatch_role', 't.assigned', 'role_assigned_to_technician', 24, 9),
('dispatch_role', 't.without_user', 'role_without_user', 4, 2),
('dispatch_role', 't.user_not_technician', 'role_user_not_technician', 2, 2),
('dispatch_role', 't.orphan_user', 'role_orphan_user', 2, 2),
('dispatch_role', 'o', 'role_other_group', 16, 3),
-- dispatch_template and its junctions
('dispatch_template', 'ok.orphan_category', 'template_orphan_category', 2, 2),
('dispatch_template', 'ok.without_name', 'template_without_name', 2, 2),
('dispatch_template', 'ok', NULL, NULL, 4),
('dispatch_template_view_groups', 'leaf.orphan_template', 'template_view_group_orphan_template', 2, 2),
('dispatch_template_view_groups', 'leaf.orphan_group', 'template_view_group_orphan_group', 2, 2),
('dispatch_template_view_groups', 'ok', NULL, NULL, 4),
('dispatch_template_view_roles', 'leaf.orphan_template', 'template_view_role_orphan_template', 2, 2),
('dispatch_template_view_roles', 'leaf.orphan_role', 'template_view_role_orphan_role', 2, 2),
('dispatch_template_view_roles', 'ok', NULL, NULL, 7),
-- dispatch_payment: class p goes to purchases (but for the orphans),
-- class f is filtered.
('dispatch_payment', 'p.orphan_instruction', 'payment_orphan_instruction', 5, 2),
('dispatch_payment', 'p.tax_percent', 'payment_tax_rate_percent', 100, 2),
('dispatch_payment', 'p.free_with_total', 'payment_free_with_total', 20, 2),
('dispatch_payment', 'p', 'payment_paid', 3650, 4),
('dispatch_payment', 'f.zero_total', 'payment_zero_total', 30, 2),
('dispatch_payment', 'f.null_total', 'payment_null_total', 5, 2),
('dispatch_payment', 'f.free', 'payment_free', 600, 2),
('dispatch_payment', 'f.canceled', 'payment_canceled', 200, 2),
('dispatch_payment', 'f.canceled_free', 'payment_canceled_free', 10, 2),
('dispatch_payment', 'f.unpaid_free', 'payment_unpaid_free', 300, 2),
('dispatch_payment', 'f.unpaid_canceled', 'payment_unpaid_canceled', 400, 2),
('dispatch_payment', 'f.unpaid_canceled_free', 'payment_unpaid_canceled_free', 15, 2),
('dispatch_payment', 'f.unpaid', 'payment_unpaid', NULL, 4);

-- Counts: the based segments, then the rests.
UPDATE ferry_gen.segment SET count = ferry_gen.scaled(base, floor)
WHERE base IS NOT NULL;

UPDATE ferry_gen.segment s
SET count = ferry_gen.scaled(t.base - (SELECT coalesce(sum(o.base), 0)
	FROM ferry_gen.segment o WHERE o.tbl = s.tbl AND o.base IS NOT NULL), s.floor)
FROM ferry_gen.total t
WHERE s.base IS NULL AND t.tbl = s.tbl;

-- One user per dispatch_patient row that names a real user.
UPDATE ferry_gen.segment s
SET count = (SELECT sum(count) FROM ferry_gen.segment
		WHERE tbl = 'dispatch_patient' AND name <> 'leaf.orphan_user')
	- (SELECT sum(count) FROM ferry_gen.segment
		WHERE tbl = 'auth_user' AND name LIKE 'patient.%')
WHERE s.tbl = 'auth_user' AND s.name = 'patient';

-- Every doctor has user settings.
UPDATE ferry_gen.segment s
SET count = (SELECT sum(count) FROM ferry_gen.segment
		WHERE tbl = 'auth_user' AND (name = 'doctor' OR name LIKE 'doctor.%'))
WHERE s.tbl = 'dispatch_usersetting';

DO $$
BEGIN
	IF EXISTS (SELECT FROM ferry_gen.segment WHERE count IS NULL OR count < 1) THEN
		RAISE 'ferry_gen: a segment has no rows: %', (SELECT string_agg(tbl || '.' || name, ', ')
			FROM ferry_gen.segment WHERE count IS NULL OR count < 1);
	END IF;
END $$;

-- The plan of each table: its size, its permutation and where each
-- segment's slots start (lo), with each segment's offset among the rows
-- of its kind (koff).
CREATE TABLE ferry_gen.plan (
	tbl text PRIMARY KEY,
	n bigint NOT NULL,
	a bigint,
	ainv bigint,
	b bigint,
	lo bigint[] NOT NULL,
	names text[] NOT NULL,
	koff bigint[] NOT NULL
);

INSERT INTO ferry_gen.plan (tbl, n, lo, names, koff)
SELECT tbl, sum(count), array_agg(lo ORDER BY ord), array_agg(name ORDER BY ord),
	array_agg(koff ORDER BY ord)
FROM (SELECT tbl, ord, name, count,
		1 + sum(count) OVER (PARTITION BY tbl ORDER BY ord) - count AS lo,
		sum(count) OVER (PARTITION BY tbl, coalesce(kind, name) ORDER BY ord) - count AS koff
	FROM ferry_gen.segment) s
GROUP BY tbl;

UPDATE ferry_gen.plan
SET a = ferry_gen.coprime(n * 618 / 1000 + ferry_gen.r('plan.a.' || tbl, 0) % (n / 4 + 1), n),
	b = ferry_gen.r('plan.b.' || tbl, 0) % n;
UPDATE ferry_gen.plan SET ainv = ferry_gen.modinv(a, n);

-- Every class must be consecutive segments.
DO $$
DECLARE
	bad text;
BEGIN
	SELECT string_agg(DISTINCT tbl || '.' || cls, ', ') INTO bad
	FROM (SELECT tbl, split_part(name, '.', 1) AS cls, ord,
			lag(split_part(name, '.', 1)) OVER (PARTITION BY tbl ORDER BY ord) AS prev,
			count(*) OVER (PARTITION BY tbl, split_part(name, '.', 1)) AS members,
			max(ord) OVER (PARTITION BY tbl, split_part(name, '.', 1))
				- min(ord) OVER (PARTITION BY tbl, split_part(name, '.', 1)) + 1 AS span
		FROM ferry_gen.segment) s
	WHERE members <> span;
	IF bad IS NOT NULL THEN
		RAISE 'ferry_gen: classes not consecutive: %', bad;
	END IF;
END $$;

-- rows(t): every row of table t: its id, its slot, its segment's name, its
-- rank k in the segment and kk among the rows of the segment's kind (both
-- from 0).
CREATE FUNCTION ferry_gen.rows(t text)
RETURNS TABLE (id bigint, slot bigint, seg text, k bigint, kk bigint)
LANGUAGE sql STABLE AS $$
	SELECT g.id, w.s, p.names[w.b], w.s - p.lo[w.b], w.s - p.lo[w.b] + p.koff[w.b]
	FROM ferry_gen.plan p
	CROSS JOIN LATERAL generate_series(1, p.n) AS g(id)
	CROSS JOIN LATERAL (SELECT ((g.id - 1) * p.a + p.b) % p.n + 1) AS x(s)
	CROSS JOIN LATERAL (SELECT x.s, width_bucket(x.s, p.lo)) AS w(s, b)
	WHERE p.tbl = t
$$;

-- The slots of a class of t (segments named cls or cls.*) or of one
-- segment: the first slot lo, the count, and t's permutation.  A
-- member is ferry_gen.unslot(lo + i, n, ainv, b) for 0 <= i < cnt.
CREATE FUNCTION ferry_gen.class(t text, cls text)
RETURNS TABLE (lo bigint, cnt bigint, n bigint, ainv bigint, b bigint)
LANGUAGE sql STABLE AS $$
	SELECT min(l.lo), sum(s.count), p.n, p.ainv, p.b
	FROM ferry_gen.plan p
	JOIN ferry_gen.segment s ON s.tbl = p.tbl
	JOIN LATERAL (SELECT p.lo[array_position(p.names, s.name)]) AS l(lo) ON true
	WHERE p.tbl = t AND (s.name = cls OR s.name LIKE cls || '.%')
	GROUP BY p.n, p.ainv, p.b
$$;

CREATE FUNCTION ferry_gen.segment(t text, name text)
RETURNS TABLE (lo bigint, cnt bigint, n bigint, ainv bigint, b bigint)
LANGUAGE sql STABLE AS $$
	SELECT p.lo[array_position(p.names, s.name)], s.count, p.n, p.ainv, p.b
	FROM ferry_gen.plan p
	JOIN ferry_gen.segment s ON s.tbl = p.tbl
	WHERE p.tbl = t AND s.name = segment.name
$$;


-- Invalid offices: 351 of 897 at scale 1.
INSERT INTO ferry_gen.spread_kind (kind, tbl, count)
SELECT 'office_invalid', tbl, n - round(n * 546 / 897.0)::bigint
FROM ferry_gen.plan WHERE tbl = 'dispatch_office';

-- The size of every generated table, as one row: CROSS JOIN ferry_gen.n
-- and write n.dispatch_office.
CREATE TABLE ferry_gen.n AS
SELECT max(n) FILTER (WHERE tbl = 'auth_user') AS auth_user,
	max(n) FILTER (WHERE tbl = 'dispatch_office') AS dispatch_office,
	max(n) FILTER (WHERE tbl = 'dispatch_patient') AS dispatch_patient,
	max(n) FILTER (WHERE tbl = 'dispatch_product') AS dispatch_product,
	max(n) FILTER (WHERE tbl = 'dispatch_jaw') AS dispatch_jaw,
	max(n) FILTER (WHERE tbl = 'dispatch_instruction') AS dispatch_instruction,
	max(n) FILTER (WHERE tbl = 'dispatch_file') AS dispatch_file,
	max(n) FILTER (WHERE tbl = 'dispatch_record') AS dispatch_record,
	max(n) FILTER (WHERE tbl = 'dispatch_project') AS dispatch_project,
	max(n) FILTER (WHERE tbl = 'dispatch_plan') AS dispatch_plan,
	max(n) FILTER (WHERE tbl = 'dispatch_category') AS dispatch_category,
	max(n) FILTER (WHERE tbl = 'dispatch_role') AS dispatch_role,
	max(n) FILTER (WHERE tbl = 'dispatch_template') AS dispatch_template
FROM ferry_gen.plan;
