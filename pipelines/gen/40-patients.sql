-- pipelines/gen/40-patients.sql: dispatch_course, dispatch_product,
-- dispatch_jaw, dispatch_patient, dispatch_instruction.

INSERT INTO dispatch_course (id, name, type, customization) VALUES
(1, 'Main', 1, '{"aligners": "unlimited"}'),
(2, 'Refinement', 2, NULL),
(3, 'Replacement', 3, NULL),
(4, 'Any', 4, NULL),
(7, 'Invoice', 5, NULL),
(8, 'Merchandise', 6, '');

-- Products of the "ok" class take the courses 1, 2, 3, 7 in turn, so that
-- each migrated course has a product.
INSERT INTO dispatch_product (id, name, description, free, deleted,
	customization, type, substitute, course_id)
SELECT p.id,
	CASE p.course_id
		WHEN 1 THEN 'Aligner series'
		WHEN 2 THEN 'Refinement aligners'
		WHEN 3 THEN 'Replacement aligner'
		WHEN 4 THEN 'Any stage'
		WHEN 7 THEN 'Invoice item'
		ELSE 'Retainer case' END || ' v' || p.id,
	CASE WHEN p.id % 3 = 0 THEN '' ELSE 'Product ' || p.id || ', course ' || p.course_id END,
	(p.slot - ok.lo) % 5 = 4,
	p.seg = 'leaf.deleted',
	CASE WHEN p.seg = 'ok.customization_malformed'
			THEN ferry_gen.pick(ferry_gen.malformed_json(), p.k)
		WHEN p.id % 2 = 0 THEN NULL
		ELSE '{"color": "clear", "attachments": ' || (p.id % 3 = 0) || '}' END,
	1 + p.id % 3,
	p.id % 4 = 0,
	p.course_id
FROM (SELECT r.*,
		CASE WHEN r.seg = 'leaf.deleted' THEN 1
			WHEN r.seg = 'leaf.course_excluded' THEN (ARRAY[4, 8])[1 + r.k % 2]
			ELSE (ARRAY[1, 2, 3, 7])[1 + (r.slot - ok.lo) % 4] END AS course_id
	FROM ferry_gen.rows('dispatch_product') r
	CROSS JOIN ferry_gen.class('dispatch_product', 'ok') ok) p
CROSS JOIN ferry_gen.class('dispatch_product', 'ok') ok;

INSERT INTO dispatch_jaw (id, bond_teeth, extract_teeth, reason, product_id, labial)
SELECT j.id,
	ferry_gen.pick(ARRAY['11,12,21,22', '13,23', '', '16,26,36,46'], ferry_gen.r('jaw.bond', j.id)),
	ferry_gen.pick(ARRAY['', '', '14,24', '34,44'], ferry_gen.r('jaw.extract', j.id)),
	CASE WHEN ferry_gen.r('jaw.reason', j.id) % 3 = 0 THEN NULL
		ELSE 1 + ferry_gen.r('jaw.reason', j.id) % 4 END,
	CASE WHEN ferry_gen.r('jaw.product', j.id) % 10 < 3 THEN NULL
		ELSE 1 + ferry_gen.r('jaw.product.id', j.id) % n.dispatch_product END,
	ferry_gen.r('jaw.labial', j.id) % 2 = 0
FROM ferry_gen.rows('dispatch_jaw') j
CROSS JOIN ferry_gen.n;

-- The patient rows after the orphan-user segment are, in slot order, the
-- users of the patient class: one user each.
INSERT INTO dispatch_patient (id, user_id, doctor_id, office_id, birthdate, sex,
	archived, suspended, status, submitted_at, updated_at, suffix, schemes)
SELECT p.id, p.user_id, p.doctor_id, p.office_id, p.birthdate, p.sex,
	p.status = 10 OR ferry_gen.r('patient.archived', p.id) % 100 < 3,
	ferry_gen.r('patient.suspended', p.id) % 100 < 2,
	p.status, p.submitted_at,
	p.submitted_at + (ferry_gen.r('patient.updated', p.id) % 20000000) * interval '1 second',
	CASE WHEN p.seg = 'ok.suffix_missing' THEN NULL ELSE ferry_gen.base36(p.id) END,
	CASE WHEN p.seg = 'ok.schemes_malformed' THEN ferry_gen.pick(ferry_gen.malformed_json(), p.k)
		WHEN ferry_gen.r('patient.schemes', p.id) % 2 = 0 THEN NULL
		ELSE '{"scheme": "' || ferry_gen.pick(ARRAY['A', 'B', 'C3'],
			ferry_gen.r('patient.scheme', p.id)) || '", "upper": [11, 12], "lower": []}' END
FROM (SELECT r.id, r.seg, r.k,
		CASE WHEN r.seg = 'leaf.orphan_user' THEN n.auth_user + 1 + r.kk
			ELSE ferry_gen.unslot(users.lo + r.slot - 1 - orphans.cnt, users.n, users.ainv, users.b)
			END AS user_id,
		CASE WHEN r.seg = 'ok.orphan_doctor' THEN n.auth_user + 1 + r.kk
			ELSE ferry_gen.unslot(doctor.lo + ferry_gen.r('patient.doctor', r.id) % doctor.cnt,
				doctor.n, doctor.ainv, doctor.b) END AS doctor_id,
		CASE r.seg
			WHEN 'ok.orphan_office' THEN n.dispatch_office + 1 + r.kk
			WHEN 'ok.no_office' THEN NULL
			ELSE 1 + ferry_gen.r('patient.office', r.id) % n.dispatch_office END AS office_id,
		date '1950-01-01' + (ferry_gen.r('patient.birthdate', r.id) % 25000)::integer AS birthdate,
		CASE WHEN ferry_gen.r('patient.sex', r.id) % 20 < 9 THEN 1
			WHEN ferry_gen.r('patient.sex', r.id) % 20 < 18 THEN 2
			WHEN ferry_gen.r('patient.sex', r.id) % 20 = 18 THEN 0 END::smallint AS sex,
		CASE WHEN r.seg = 'leaf.unknown_status' THEN (ARRAY[0, 99])[1 + r.k % 2]
			ELSE (ARRAY[1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 2, 2, 2, 10, 10, 10])
				[1 + ferry_gen.r('patient.status', r.id) % 20] END AS status,
		ferry_gen.ts(ferry_gen.r('patient.submitted', r.id)) AS submitted_at
	FROM ferry_gen.rows('dispatch_patient') r
	CROSS JOIN ferry_gen.n
	CROSS JOIN ferry_gen.segment('dispatch_patient', 'leaf.orphan_user') orphans
	CROSS JOIN ferry_gen.class('auth_user', 'patient') users
	CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor) p;

-- Instructions of the "ok" class belong to patients of the "ok" class.
-- Instruction i has jaws 2i - 1 and 2i where they exist.
INSERT INTO dispatch_instruction (id, patient_id, course_id, status, deleted,
	submitted_at, updated_at, notes, complaint, conditions, objective, price,
	exports, cbct, model, scanner, scanner_notes, "order", upper_jaw_id,
	lower_jaw_id, comprehensive, accept_extraction, suffix)
SELECT i.id, i.patient_id,
	CASE WHEN i.seg = 'leaf.unknown_course' THEN (ARRAY[5, 99])[1 + i.k % 2]
		WHEN ferry_gen.r('instruction.course', i.id) % 100 < 60 THEN 1
		WHEN ferry_gen.r('instruction.course', i.id) % 100 < 85 THEN 2
		WHEN ferry_gen.r('instruction.course', i.id) % 100 < 93 THEN 3
		WHEN ferry_gen.r('instruction.course', i.id) % 100 < 96 THEN 4
		WHEN ferry_gen.r('instruction.course', i.id) % 100 < 98 THEN 7
		ELSE 8 END,
	CASE WHEN i.seg = 'leaf.unknown_status' THEN (ARRAY[5, 99])[1 + i.k % 2]
		ELSE (ARRAY[0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4])
			[1 + ferry_gen.r('instruction.status', i.id) % 20] END,
	i.seg = 'leaf.deleted',
	i.submitted_at,
	i.submitted_at + (ferry_gen.r('instruction.updated', i.id) % 10000000) * interval '1 second',
	CASE i.seg
		WHEN 'ok.text_japanese' THEN ferry_gen.pick(ferry_gen.japanese_texts(), i.kk)
		WHEN 'ok.text_punctuation' THEN ferry_gen.pick(ferry_gen.punctuation_texts(), i.kk)
		WHEN 'ok.notes_empty' THEN ''
		ELSE CASE WHEN ferry_gen.r('instruction.notes', i.id) % 10 < 3 THEN NULL
			ELSE ferry_gen.pick(ferry_gen.clean_texts(), ferry_gen.r('instruction.notes.text', i.id)) END
		END,
	(ARRAY['Crowding', 'Spacing', 'Overbite', 'Crossbite', 'Open bite', NULL, NULL])
		[1 + ferry_gen.r('instruction.complaint', i.id) % 7],
	(ARRAY['Class I', 'Class II div 1', 'Class III', NULL])
		[1 + ferry_gen.r('instruction.conditions', i.id) % 4],
	(ARRAY['Align both arches', 'Upper only', 'Close spaces', NULL])
		[1 + ferry_gen.r('instruction.objective', i.id) % 4],
	CASE WHEN ferry_gen.r('instruction.price', i.id) % 20 = 0 THEN NULL
		ELSE ferry_gen.money(ferry_gen.r('instruction.price.amount', i.id), 500, 3000) END,
	CASE WHEN i.seg = 'ok.exports_malformed' THEN ferry_gen.pick(ferry_gen.malformed_json(), i.k)
		WHEN ferry_gen.r('instruction.exports', i.id) % 10 < 4 THEN NULL
		WHEN ferry_gen.r('instruction.exports', i.id) % 10 < 6 THEN '{}'
		ELSE '{"format": "stl", "files": ' || 1 + ferry_gen.r('instruction.exports.files', i.id) % 5
			|| '}' END,
	ferry_gen.r('instruction.cbct', i.id) % 10 = 0,
	CASE WHEN ferry_gen.r('instruction.model', i.id) % 4 = 0 THEN NULL
		ELSE 1 + ferry_gen.r('instruction.model', i.id) % 5 END,
	CASE WHEN ferry_gen.r('instruction.scanner', i.id) % 5 = 0 THEN NULL
		ELSE 1 + ferry_gen.r('instruction.scanner', i.id) % 4 END,
	(ARRAY['iTero', '3Shape TRIOS', 'Medit', NULL, NULL, NULL])
		[1 + ferry_gen.r('instruction.scanner.notes', i.id) % 6],
	1 + ferry_gen.r('instruction.order', i.id) % 5,
	CASE WHEN 2 * i.id - 1 <= n.dispatch_jaw THEN 2 * i.id - 1 END,
	CASE WHEN 2 * i.id <= n.dispatch_jaw THEN 2 * i.id END,
	ferry_gen.r('instruction.comprehensive', i.id) % 3 = 0,
	ferry_gen.r('instruction.extraction', i.id) % 4 = 0,
	ferry_gen.base36(i.patient_id)
FROM (SELECT r.id, r.seg, r.k, r.kk,
		CASE WHEN r.seg = 'leaf.orphan_patient' THEN n.dispatch_patient + 1 + r.kk
			ELSE ferry_gen.unslot(patient.lo + ferry_gen.r('instruction.patient', r.id) % patient.cnt,
				patient.n, patient.ainv, patient.b) END AS patient_id,
		ferry_gen.ts(ferry_gen.r('instruction.submitted', r.id)) AS submitted_at
	FROM ferry_gen.rows('dispatch_instruction') r
	CROSS JOIN ferry_gen.n
	CROSS JOIN ferry_gen.class('dispatch_patient', 'ok') patient) i
CROSS JOIN ferry_gen.n;
