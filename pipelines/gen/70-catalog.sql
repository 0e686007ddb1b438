-- pipelines/gen/70-catalog.sql: dispatch_category, dispatch_role,
-- dispatch_template, dispatch_template_view_groups,
-- dispatch_template_view_roles.

INSERT INTO dispatch_category (id, name, parent_id, "order")
SELECT c.id,
	ferry_gen.pick(ARRAY['Design', 'Manufacturing', 'Shipping', 'Review',
		'Billing', 'Scanning', 'Support', 'Quality'], c.id - 1)
		|| CASE WHEN c.id > 8 THEN ' ' || c.id ELSE '' END,
	CASE WHEN c.id > 4 AND ferry_gen.r('category.parent', c.id) % 2 = 0
		THEN 1 + ferry_gen.r('category.parent.id', c.id) % (c.id - 1) END,
	c.id
FROM ferry_gen.rows('dispatch_category') c;

-- Group 11 roles: the k-th "assigned" role belongs to technician k / 3, so
-- each of those technicians has three roles of different names.  The
-- names cover every role_type rule of docs/mapping.md.
INSERT INTO dispatch_role (id, name, abbrev, type, "order", user_id, group_id)
SELECT r.id,
	CASE WHEN r.seg = 'o' THEN ferry_gen.pick(ARRAY['Doctor', 'Administrator',
			'Master', 'Patient liaison'], r.k)
		ELSE (ARRAY['Designing Technician', 'DT-Lead', 'Manufacturing',
			'MT-Printing', 'Sectioning', 'IDB Trays', 'Remote Technician', 'DTR',
			'Master Technician', 'Supervisor', 'Quality Inspector',
			'Packaging'])[1 + r.kk % 12] END,
	CASE WHEN r.seg = 'o' THEN ferry_gen.pick(ARRAY['DR', 'ADM', 'MS', NULL], r.k)
		ELSE (ARRAY['DT-1', 'DTL', 'MT-2', 'MTP', 'ST', 'IDB', 'RT', 'DTR',
			'MST', 'SUP', 'QC', NULL])[1 + r.kk % 12] END,
	1 + ferry_gen.r('role.type', r.id) % 3,
	r.slot,
	CASE r.seg
		WHEN 't.assigned' THEN ferry_gen.unslot(tech.lo + r.k / 3, tech.n, tech.ainv, tech.b)
		WHEN 't.user_not_technician' THEN ferry_gen.unslot(doctor.lo + r.k,
			doctor.n, doctor.ainv, doctor.b)
		WHEN 't.orphan_user' THEN n.auth_user + 1 + r.kk
		END,
	CASE WHEN r.seg = 'o' THEN (ARRAY[2, 4, 5, 1])[1 + r.k % 4] ELSE 11 END
FROM ferry_gen.rows('dispatch_role') r
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('auth_user', 'tech') tech
CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor;

INSERT INTO dispatch_template (id, task_name, text_name, action_name, function,
	status, duration, category_id, predefined, read_only, extensions, alerts,
	separate)
SELECT t.id,
	CASE WHEN t.seg = 'ok.without_name' OR ferry_gen.r('template.names', t.id) % 3 = 1
		THEN NULL ELSE t.name END,
	CASE WHEN t.seg = 'ok.without_name' OR ferry_gen.r('template.names', t.id) % 3 = 0
		THEN NULL ELSE t.name || ' (text)' END,
	(ARRAY['start', 'finish', 'approve', NULL])[1 + ferry_gen.r('template.action', t.id) % 4],
	(ARRAY['design', 'manufacture', 'ship', NULL])[1 + ferry_gen.r('template.function', t.id) % 4],
	CASE WHEN ferry_gen.r('template.status', t.id) % 5 = 0 THEN 0 ELSE 1 END,
	CASE WHEN ferry_gen.r('template.duration', t.id) % 4 = 0 THEN NULL
		ELSE 15 + ferry_gen.r('template.duration', t.id) % 226 END,
	CASE WHEN t.seg = 'ok.orphan_category' THEN n.dispatch_category + 1 + t.kk
		WHEN ferry_gen.r('template.category', t.id) % 10 = 0 THEN NULL
		ELSE 1 + ferry_gen.r('template.category.id', t.id) % n.dispatch_category END,
	ferry_gen.r('template.predefined', t.id) % 2 = 0,
	ferry_gen.r('template.read_only', t.id) % 5 = 0,
	(ARRAY['stl,ply', NULL, NULL])[1 + ferry_gen.r('template.extensions', t.id) % 3],
	(ARRAY['{"email": true}', NULL, NULL])[1 + ferry_gen.r('template.alerts', t.id) % 3],
	ferry_gen.r('template.separate', t.id) % 4 = 0
FROM (SELECT r.*, ferry_gen.pick(ARRAY['Design setup', 'Review scan', 'Print models',
		'Cut aligners', 'Ship', 'Quality check', 'Approve plan'],
		ferry_gen.r('template.name', r.id)) || ' ' || r.id AS name
	FROM ferry_gen.rows('dispatch_template') r) t
CROSS JOIN ferry_gen.n;

-- Junction pairs: the k-th "ok" row links template t = k mod T + 1 to
-- group (k div T + t) mod 11 + 1: distinct pairs for k < 11 T.
INSERT INTO dispatch_template_view_groups (id, template_id, group_id)
SELECT j.id,
	CASE WHEN j.seg = 'leaf.orphan_template' THEN n.dispatch_template + 1 + j.kk
		ELSE 1 + j.k % n.dispatch_template END,
	CASE j.seg
		WHEN 'leaf.orphan_template' THEN 1 + j.k % 11
		WHEN 'leaf.orphan_group' THEN 12 + j.kk
		ELSE 1 + (j.k / n.dispatch_template + j.k % n.dispatch_template) % 11 END
FROM ferry_gen.rows('dispatch_template_view_groups') j
CROSS JOIN ferry_gen.n;

INSERT INTO dispatch_template_view_roles (id, template_id, role_id)
SELECT j.id,
	CASE WHEN j.seg = 'leaf.orphan_template' THEN n.dispatch_template + 1 + j.kk
		ELSE 1 + j.k % n.dispatch_template END,
	CASE j.seg
		WHEN 'leaf.orphan_template' THEN 1 + j.k % n.dispatch_role
		WHEN 'leaf.orphan_role' THEN n.dispatch_role + 1 + j.kk
		ELSE 1 + (j.k / n.dispatch_template + j.k % n.dispatch_template) % n.dispatch_role END
FROM ferry_gen.rows('dispatch_template_view_roles') j
CROSS JOIN ferry_gen.n;
