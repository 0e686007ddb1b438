-- pipelines/gen/20-auth.sql: django_content_type, auth_group, auth_user,
-- auth_user_groups.

-- 51 content types; ids are install specific (11 is dispatch.patient and
-- 58 auth.user, as in the real database), with the gaps of deleted models.
INSERT INTO django_content_type (id, app_label, model) VALUES
(1, 'admin', 'logentry'), (2, 'auth', 'permission'), (3, 'auth', 'group'),
(4, 'contenttypes', 'contenttype'), (5, 'sessions', 'session'),
(6, 'dispatch', 'office'), (7, 'dispatch', 'doctorsetting'),
(8, 'dispatch', 'usersetting'), (10, 'dispatch', 'course'),
(11, 'dispatch', 'patient'), (12, 'dispatch', 'instruction'),
(13, 'dispatch', 'file'), (14, 'dispatch', 'record'), (15, 'dispatch', 'state'),
(16, 'dispatch', 'comment'), (18, 'dispatch', 'plan'), (19, 'dispatch', 'project'),
(20, 'dispatch', 'bracket'), (21, 'dispatch', 'role'), (22, 'dispatch', 'template'),
(24, 'dispatch', 'payment'), (25, 'dispatch', 'purchase'), (26, 'dispatch', 'jaw'),
(27, 'dispatch', 'product'), (28, 'dispatch', 'category'),
(29, 'dispatch', 'notification'), (30, 'dispatch', 'agent'),
(32, 'dispatch', 'instance'), (33, 'dispatch', 'discount'), (34, 'dispatch', 'note'),
(35, 'dispatch', 'offer'), (36, 'dispatch', 'operation'), (38, 'dispatch', 'task'),
(39, 'dispatch', 'ware'), (40, 'dispatch', 'order'), (42, 'dispatch', 'event'),
(43, 'dispatch', 'scanner'), (44, 'dispatch', 'model'), (45, 'dispatch', 'shipment'),
(46, 'dispatch', 'invoice'), (48, 'dispatch', 'coupon'), (49, 'dispatch', 'tier'),
(50, 'dispatch', 'region'), (51, 'dispatch', 'holiday'), (52, 'dispatch', 'feedback'),
(54, 'dispatch', 'report'), (55, 'dispatch', 'setting'),
(56, 'dispatch', 'messagetemplate'), (57, 'dispatch', 'attachment'),
(58, 'auth', 'user'), (60, 'dispatch', 'log');

INSERT INTO auth_group (id, name) VALUES
(1, 'Patient'), (2, 'Doctor'), (3, 'Sales'), (4, 'Admin'), (5, 'Master'),
(6, 'Agent'), (7, 'Client'), (8, 'Support'), (9, 'Manager'), (10, 'Finance'),
(11, 'Technician');

-- The groups of a user of segment seg.
CREATE FUNCTION ferry_gen.user_groups(seg text) RETURNS integer[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN seg = 'patient.also_doctor' THEN ARRAY[1, 2]
		WHEN seg = 'patient' OR seg LIKE 'patient.%' OR seg = 'patient_no_row' THEN ARRAY[1]
		WHEN seg = 'doctor' OR seg LIKE 'doctor.%' THEN ARRAY[2]
		WHEN seg = 'doctor_tech' THEN ARRAY[2, 11]
		WHEN seg = 'doctor_admin' THEN ARRAY[2, 4]
		WHEN seg = 'tech' OR seg LIKE 'tech.%' THEN ARRAY[11]
		WHEN seg = 'admin' THEN ARRAY[4]
		WHEN seg = 'master' THEN ARRAY[5]
		WHEN seg = 'sales' THEN ARRAY[3]
		WHEN seg = 'nogroup' THEN ARRAY[]::integer[]
	END
$$;

-- Duplicates copy the k-th clean user of their class (patient or doctor).
INSERT INTO auth_user (id, password, last_login, is_superuser, username,
	first_name, last_name, email, is_staff, is_active, date_joined)
SELECT id,
	'pbkdf2_sha256$260000$' || substr(md5('salt' || ferry_gen.r('user.salt', id)), 1, 22)
		|| '$' || encode(decode(md5('hash' || ferry_gen.r('user.hash', id)), 'hex'), 'base64'),
	CASE WHEN ferry_gen.r('user.login', id) % 5 = 0 THEN NULL
		ELSE joined + (ferry_gen.r('user.login.delay', id) % 20000000) * interval '1 second' END,
	role = 'master',
	CASE WHEN dirt = 'name_japanese' THEN 'jp' ELSE lower(ferry_gen.first_name(id)) END || id,
	CASE dirt
		WHEN 'name_null' THEN 'null'
		WHEN 'name_empty' THEN ''
		WHEN 'name_blank' THEN '   '
		WHEN 'name_japanese' THEN (ferry_gen.japanese_given_names())[1 + kk / 50 % 50]
		WHEN 'name_duplicate' THEN ferry_gen.first_name(copy_of)
		ELSE ferry_gen.first_name(id) END,
	CASE dirt
		WHEN 'name_null' THEN CASE WHEN k % 2 = 0 THEN 'null' ELSE ferry_gen.last_name(id) END
		WHEN 'name_japanese' THEN (ferry_gen.japanese_family_names())[1 + kk % 50]
		WHEN 'name_duplicate' THEN ferry_gen.last_name(copy_of)
		ELSE ferry_gen.last_name(id) END,
	CASE dirt
		WHEN 'email_without_at' THEN lower(ferry_gen.first_name(id)) || '.'
			|| lower(ferry_gen.last_name(id)) || id || 'gmail.com'
		WHEN 'email_empty' THEN ''
		WHEN 'email_duplicate' THEN ' ' || upper(ferry_gen.email(copy_of)) || ' '
		WHEN 'name_japanese' THEN 'jp' || id || '@docomo.ne.jp'
		ELSE ferry_gen.email(id) END,
	role IN ('admin', 'master', 'tech', 'doctor_admin'),
	NOT (seg = 'tech.inactive'
		OR (role = 'patient' AND ferry_gen.r('user.inactive', id) % 100 < 4)),
	joined
FROM (SELECT u.id, u.seg, u.k, u.kk,
		split_part(u.seg, '.', 1) AS role,
		split_part(u.seg, '.', 2) AS dirt,
		ferry_gen.unslot(CASE WHEN u.seg LIKE 'doctor.%' THEN cd.lo ELSE cp.lo END + u.k,
			cp.n, cp.ainv, cp.b) AS copy_of,
		ferry_gen.ts(ferry_gen.r('user.joined', u.id)) AS joined
	FROM ferry_gen.rows('auth_user') u
	CROSS JOIN ferry_gen.segment('auth_user', 'patient') cp
	CROSS JOIN ferry_gen.segment('auth_user', 'doctor') cd) u;

INSERT INTO auth_user_groups (id, user_id, group_id)
SELECT row_number() OVER (ORDER BY u.id, g.group_id), u.id, g.group_id
FROM ferry_gen.rows('auth_user') u
CROSS JOIN LATERAL unnest(ferry_gen.user_groups(u.seg)) AS g(group_id);
