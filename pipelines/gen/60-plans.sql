-- pipelines/gen/60-plans.sql: dispatch_project, dispatch_plan,
-- dispatch_comment, dispatch_bracket.

INSERT INTO dispatch_project (id, uid, name, size, public, type, status,
	creator_id, created_at)
SELECT p.id,
	ferry_gen.hex32(ferry_gen.r('project.uid', p.id), ferry_gen.r('project.uid.low', p.id)),
	ferry_gen.pick(ARRAY['Setup', 'Setup v2', 'Refinement setup', 'Retainer',
		'Simulation', 'Final'], ferry_gen.r('project.name', p.id)) || ' ' || p.id,
	CASE WHEN ferry_gen.r('project.size', p.id) % 20 = 0 THEN NULL
		ELSE 1000 + ferry_gen.r('project.size', p.id) % 200000000 END,
	ferry_gen.r('project.public', p.id) % 5 = 0,
	1 + ferry_gen.r('project.type', p.id) % 4,
	1 + ferry_gen.r('project.status', p.id) % 3,
	CASE p.seg
		WHEN 'ok.orphan_creator' THEN n.auth_user + 1 + p.kk
		WHEN 'ok.null_creator' THEN NULL
		ELSE 1 + ferry_gen.r('project.creator', p.id) % n.auth_user END,
	ferry_gen.ts(ferry_gen.r('project.created', p.id))
FROM ferry_gen.rows('dispatch_project') p
CROSS JOIN ferry_gen.n;

-- Plans of the "ok" class name an instruction of the "ok" class; the
-- "noorder" plans none (only "noorder" comments are on them).
INSERT INTO dispatch_plan (id, instruction_id, project_id, number, name, notes, original)
SELECT p.id,
	CASE p.seg
		WHEN 'leaf.orphan_instruction' THEN n.dispatch_instruction + 1 + p.kk
		WHEN 'noorder' THEN NULL
		ELSE ferry_gen.unslot(instruction.lo
			+ ferry_gen.r('plan.instruction', p.id) % instruction.cnt,
			instruction.n, instruction.ainv, instruction.b) END,
	CASE WHEN p.seg = 'leaf.orphan_project' THEN n.dispatch_project + 1 + p.kk
		ELSE 1 + ferry_gen.r('plan.project', p.id) % n.dispatch_project END,
	p.number,
	CASE WHEN p.seg = 'ok.name_empty' THEN (ARRAY[NULL, ''])[1 + p.k % 2]
		ELSE ferry_gen.pick(ARRAY['Initial', 'Revision', 'Refinement', 'Option A',
			'Option B'], ferry_gen.r('plan.name', p.id)) || ' ' || p.number END,
	(ARRAY[NULL, NULL, NULL, '', 'Attachments removed', 'IPR 0.2 mm upper'])
		[1 + ferry_gen.r('plan.notes', p.id) % 6],
	p.number = 1
FROM (SELECT r.*, 1 + ferry_gen.r('plan.number', r.id) % 8 AS number
	FROM ferry_gen.rows('dispatch_plan') r) p
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('dispatch_instruction', 'ok') instruction;

INSERT INTO dispatch_comment (id, plan_id, author_id, text, created_at)
SELECT c.id,
	CASE c.seg
		WHEN 'leaf.orphan_plan' THEN n.dispatch_plan + 1 + c.kk
		WHEN 'noorder' THEN ferry_gen.unslot(noorder.lo
			+ ferry_gen.r('comment.plan', c.id) % noorder.cnt,
			noorder.n, noorder.ainv, noorder.b)
		ELSE ferry_gen.unslot(plan.lo + ferry_gen.r('comment.plan', c.id) % plan.cnt,
			plan.n, plan.ainv, plan.b) END,
	CASE c.seg
		WHEN 'ok.null_author' THEN NULL
		WHEN 'ok.orphan_author' THEN n.auth_user + 1 + c.kk
		ELSE 1 + ferry_gen.r('comment.author', c.id) % n.auth_user END,
	CASE c.seg
		WHEN 'leaf.blank_text' THEN (ARRAY[NULL, '', '   '])[1 + c.k % 3]
		WHEN 'ok.text_japanese' THEN ferry_gen.pick(ferry_gen.japanese_texts(), c.kk)
		WHEN 'ok.text_punctuation' THEN ferry_gen.pick(ferry_gen.punctuation_texts(), c.kk)
		ELSE ferry_gen.pick(ferry_gen.clean_texts(), ferry_gen.r('comment.text', c.id)) END,
	ferry_gen.ts(ferry_gen.r('comment.created', c.id))
FROM ferry_gen.rows('dispatch_comment') c
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.segment('dispatch_plan', 'noorder') noorder
CROSS JOIN ferry_gen.class('dispatch_plan', 'ok') plan;

INSERT INTO dispatch_bracket (id, name, project_id, type)
SELECT b.id,
	CASE b.seg
		WHEN 'ok.name_empty' THEN (ARRAY[NULL, ''])[1 + b.k % 2]
		WHEN 'ok.test_name' THEN ferry_gen.pick(ARRAY['test bracket ', 'TEST-',
			'dev bracket ', 'Test Speed '], b.k) || b.id
		ELSE ferry_gen.pick(ARRAY['Speed 0.022 UR3', 'Alias .018 LL5',
			'Square metal U6', 'Composite button L4', 'Ceramic .022 UL2',
			'Hook UR7', 'Standard twin', 'Speed .018 LR5'],
			ferry_gen.r('bracket.name', b.id)) END,
	CASE WHEN b.seg = 'ok.orphan_project' THEN n.dispatch_project + 1 + b.kk
		ELSE 1 + ferry_gen.r('bracket.project', b.id) % n.dispatch_project END,
	CASE WHEN ferry_gen.r('bracket.type', b.id) % 5 = 0 THEN NULL
		ELSE 1 + ferry_gen.r('bracket.type', b.id) % 3 END
FROM ferry_gen.rows('dispatch_bracket') b
CROSS JOIN ferry_gen.n;
