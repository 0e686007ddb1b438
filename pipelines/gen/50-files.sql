-- pipelines/gen/50-files.sql: dispatch_record, dispatch_file,
-- dispatch_record_attachments, dispatch_state.

-- The generic foreign key: content type 11 (dispatch.patient) or 58
-- (auth.user); the "leaf.other_content_type" rows name other models.
INSERT INTO dispatch_record (id, target_type_id, target_id, type, text,
	author_id, created_at, group_id, public)
SELECT r.id,
	CASE r.seg
		WHEN 'leaf.other_content_type' THEN (ARRAY[12, 6, 16])[1 + r.k % 3]
		WHEN 'leaf.orphan_user' THEN 58
		WHEN 'ok.user' THEN 58
		ELSE 11 END,
	CASE r.seg
		WHEN 'leaf.other_content_type' THEN 1 + ferry_gen.r('record.other.target', r.id) % 100
		WHEN 'leaf.orphan_patient' THEN n.dispatch_patient + 1 + r.kk
		WHEN 'leaf.orphan_user' THEN n.auth_user + 1 + r.kk
		WHEN 'ok.user' THEN 1 + ferry_gen.r('record.user', r.id) % n.auth_user
		ELSE ferry_gen.unslot(patient.lo + ferry_gen.r('record.patient', r.id) % patient.cnt,
			patient.n, patient.ainv, patient.b) END,
	CASE WHEN r.seg = 'ok.unknown_type' THEN (ARRAY[1, 99])[1 + r.k % 2]
		ELSE (ARRAY[3, 3, 3, 3, 5, 5, 5, 6, 6, 8])[1 + ferry_gen.r('record.type', r.id) % 10] END,
	CASE r.seg
		WHEN 'ok.text_japanese' THEN ferry_gen.pick(ferry_gen.japanese_texts(), r.kk)
		WHEN 'ok.text_punctuation' THEN ferry_gen.pick(ferry_gen.punctuation_texts(), r.kk)
		WHEN 'ok.text_null' THEN NULL
		ELSE ferry_gen.pick(ferry_gen.clean_texts(), ferry_gen.r('record.text', r.id)) END,
	CASE WHEN r.seg = 'ok.null_author' THEN NULL
		ELSE 1 + ferry_gen.r('record.author', r.id) % n.auth_user END,
	ferry_gen.ts(ferry_gen.r('record.created', r.id)),
	(ARRAY[NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2, 4, 11])
		[1 + ferry_gen.r('record.group', r.id) % 10],
	ferry_gen.r('record.public', r.id) % 3 = 0
FROM ferry_gen.rows('dispatch_record') r
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('dispatch_patient', 'ok') patient;

-- Classes: "i" files name an instruction, "r" files a record, "n" neither.
-- A file's record is ferry_gen.r('file.record', file id) over the "ok"
-- records; dispatch_record_attachments below relies on it.
INSERT INTO dispatch_file (id, uid, name, ext, size, type, instruction_id,
	record_id, product_id, created_at, description, parameters, status)
SELECT f.id,
	ferry_gen.hex32(ferry_gen.r('file.uid', f.id), ferry_gen.r('file.uid.low', f.id)),
	CASE WHEN f.seg = 'i.name_special' THEN ferry_gen.pick(ARRAY['上顎スキャン',
			'scan, "final" v2', E'two\nlines', '  spaced  ', 'モデル_下顎',
			'O''Brien upper'], f.kk)
		WHEN f.ext IN ('stl', 'ply') THEN ferry_gen.pick(ARRAY['upper_', 'lower_',
			'bite_'], ferry_gen.r('file.name', f.id)) || f.id
		WHEN f.ext IN ('jpg', 'png') THEN 'photo_' || f.id
			|| (ARRAY['', '', '', '', '', '', '_full', '_final', '_package_preview', ''])
			[1 + ferry_gen.r('file.name', f.id) % 10]
		WHEN f.ext = 'zip' THEN 'treatment_package_' || f.id
		WHEN f.ext = 'pdf' THEN 'report_' || f.id
		ELSE 'file_' || f.id END,
	CASE WHEN f.seg = 'i.extension_with_dot'
		THEN ferry_gen.pick(ARRAY['.stl', '.STL', '.jpg', '.PDF', '.Zip'], f.k)
		ELSE f.ext END,
	CASE WHEN ferry_gen.r('file.size', f.id) % 100 = 0 THEN NULL
		ELSE 10000 + ferry_gen.r('file.size', f.id) % 50000000 END,
	CASE WHEN f.ext IN ('stl', 'ply') THEN 6 + ferry_gen.r('file.type', f.id) % 2
		WHEN f.ext IN ('jpg', 'png') THEN 8
		ELSE 1 + ferry_gen.r('file.type', f.id) % 5 END,
	CASE WHEN f.seg = 'i.orphan_instruction' THEN n.dispatch_instruction + 1 + f.kk
		WHEN f.class = 'i' THEN ferry_gen.unslot(instruction.lo
			+ ferry_gen.r('file.instruction', f.id) % instruction.cnt,
			instruction.n, instruction.ainv, instruction.b) END,
	CASE WHEN f.seg = 'r.orphan_record' THEN n.dispatch_record + 1 + f.kk
		WHEN f.class = 'r' THEN ferry_gen.unslot(record.lo
			+ ferry_gen.r('file.record', f.id) % record.cnt,
			record.n, record.ainv, record.b) END,
	CASE WHEN ferry_gen.r('file.product', f.id) % 10 = 0
		THEN 1 + ferry_gen.r('file.product.id', f.id) % n.dispatch_product END,
	ferry_gen.ts(ferry_gen.r('file.created', f.id)),
	(ARRAY[NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', 'Scan received.'])
		[1 + ferry_gen.r('file.description', f.id) % 10],
	CASE WHEN f.seg = 'i.parameters_malformed' THEN ferry_gen.pick(ferry_gen.malformed_json(), f.k)
		WHEN ferry_gen.r('file.parameters', f.id) % 10 < 6 THEN NULL
		ELSE '{"jaw": "' || ferry_gen.pick(ARRAY['upper', 'lower'],
			ferry_gen.r('file.parameters.jaw', f.id)) || '", "step": '
			|| ferry_gen.r('file.parameters.step', f.id) % 40 || '}' END,
	1 + ferry_gen.r('file.status', f.id) % 3
FROM (SELECT r.id, r.seg, r.k, r.kk, split_part(r.seg, '.', 1) AS class,
		ferry_gen.pick(ferry_gen.weighted(
			ARRAY['stl', 'ply', 'jpg', 'png', 'pdf', 'zip', 'dcm', '', '3oxz'],
			ARRAY[35, 5, 30, 10, 8, 5, 3, 2, 2]), ferry_gen.r('file.ext', r.id)) AS ext
	FROM ferry_gen.rows('dispatch_file') r) f
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('dispatch_instruction', 'ok') instruction
CROSS JOIN ferry_gen.class('dispatch_record', 'ok') record;

-- The k-th "duplicate" repeats the link of the k-th clean "r" file; the
-- k-th "ok" row attaches the k-th file of the "n" class (files without a
-- record) to a record.
INSERT INTO dispatch_record_attachments (id, record_id, file_id)
SELECT a.id,
	CASE WHEN a.seg = 'duplicate' THEN ferry_gen.unslot(record.lo
			+ ferry_gen.r('file.record', a.file_id) % record.cnt,
			record.n, record.ainv, record.b)
		ELSE ferry_gen.unslot(record.lo + ferry_gen.r('attachment.record', a.id) % record.cnt,
			record.n, record.ainv, record.b) END,
	a.file_id
FROM (SELECT r.id, r.seg,
		CASE r.seg
			WHEN 'duplicate' THEN ferry_gen.unslot(linked.lo + r.k, linked.n, linked.ainv, linked.b)
			WHEN 'orphan_file' THEN n.dispatch_file + 1 + r.kk
			ELSE ferry_gen.unslot(unlinked.lo + r.k, unlinked.n, unlinked.ainv, unlinked.b)
			END AS file_id
	FROM ferry_gen.rows('dispatch_record_attachments') r
	CROSS JOIN ferry_gen.n
	CROSS JOIN ferry_gen.segment('dispatch_file', 'r') linked
	CROSS JOIN ferry_gen.class('dispatch_file', 'n') unlinked) a
CROSS JOIN ferry_gen.class('dispatch_record', 'ok') record;

INSERT INTO dispatch_state (id, instruction_id, status, "on", actor_id, changed_at)
SELECT s.id,
	CASE s.seg
		WHEN 'leaf.null_instruction' THEN NULL
		WHEN 'leaf.orphan_instruction' THEN n.dispatch_instruction + 1 + s.kk
		ELSE ferry_gen.unslot(instruction.lo
			+ ferry_gen.r('state.instruction', s.id) % instruction.cnt,
			instruction.n, instruction.ainv, instruction.b) END,
	CASE WHEN s.seg = 'ok.unknown_status' THEN (ARRAY[7, 99])[1 + s.k % 2]
		WHEN ferry_gen.r('state.status', s.id) % 100 < 55 THEN 11
		ELSE 12 END,
	ferry_gen.r('state.on', s.id) % 4 <> 0,
	CASE s.seg
		WHEN 'ok.null_actor' THEN NULL
		WHEN 'ok.orphan_actor' THEN n.auth_user + 1 + s.kk
		ELSE 1 + ferry_gen.r('state.actor', s.id) % n.auth_user END,
	ferry_gen.ts(ferry_gen.r('state.changed', s.id))
FROM ferry_gen.rows('dispatch_state') s
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('dispatch_instruction', 'ok') instruction;
