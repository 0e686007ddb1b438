-- pipelines/gen/80-payments.sql: dispatch_payment (dispatch_purchase stays
-- empty, as in the real database).
--
-- Every combination of paid, canceled and free has its segment.  Amounts
-- have cents and add up: total = subtotal + tax + additional - credit.

INSERT INTO dispatch_payment (id, instruction_id, order_id, doctor_id,
	office_id, paid_price, total_price, subtotal_price, tax_rate, tax_value,
	used_credit, additional_price, custom_price, paid, canceled, free,
	made_at, installments)
SELECT p.id, p.instruction_id, p.order_id, p.doctor_id, p.office_id,
	CASE WHEN p.paid THEN p.total ELSE 0 END,
	p.total, p.subtotal, p.tax_rate, p.tax_value, p.used_credit,
	p.additional, p.custom, p.paid, p.canceled, p.free, p.made_at,
	p.installments
FROM (SELECT a.*,
		CASE WHEN a.zero THEN 0
			WHEN a.seg = 'f.null_total' THEN NULL
			ELSE a.subtotal + a.tax_value + a.additional - a.used_credit END AS total
	FROM (SELECT x.*,
			CASE WHEN x.zero THEN 0
				ELSE round(x.subtotal * x.tax_rate
					/ CASE WHEN x.seg = 'p.tax_percent' THEN 100 ELSE 1 END, 2)
				END AS tax_value
		FROM (SELECT r.id, r.seg,
				r.seg LIKE 'p%' OR r.seg IN ('f.zero_total', 'f.null_total',
					'f.free', 'f.canceled', 'f.canceled_free') AS paid,
				r.seg IN ('f.canceled', 'f.canceled_free', 'f.unpaid_canceled',
					'f.unpaid_canceled_free') AS canceled,
				r.seg IN ('p.free_with_total', 'f.free', 'f.canceled_free',
					'f.unpaid_free', 'f.unpaid_canceled_free') AS free,
				r.seg IN ('f.zero_total', 'f.free') AS zero,
				CASE WHEN r.seg = 'p.orphan_instruction' THEN n.dispatch_instruction + 1 + r.kk
					ELSE ferry_gen.unslot(instruction.lo
						+ ferry_gen.r('payment.instruction', r.id) % instruction.cnt,
						instruction.n, instruction.ainv, instruction.b) END AS instruction_id,
				CASE WHEN ferry_gen.r('payment.order', r.id) % 10 = 0
					THEN 1 + ferry_gen.r('payment.order.id', r.id) % 5000 END AS order_id,
				ferry_gen.unslot(doctor.lo + ferry_gen.r('payment.doctor', r.id) % doctor.cnt,
					doctor.n, doctor.ainv, doctor.b) AS doctor_id,
				1 + ferry_gen.r('payment.office', r.id) % n.dispatch_office AS office_id,
				CASE WHEN r.seg IN ('f.zero_total', 'f.free') THEN 0
					ELSE ferry_gen.money(ferry_gen.r('payment.subtotal', r.id), 100, 4000)
					END AS subtotal,
				CASE WHEN r.seg = 'p.tax_percent'
					THEN (ARRAY[7.25, 8, 10.25, 8.875])[1 + r.k % 4]
					ELSE (ARRAY[0, 0.0725, 0.08, 0.1025, 0.08875])
						[1 + ferry_gen.r('payment.tax', r.id) % 5] END AS tax_rate,
				CASE WHEN r.seg IN ('f.zero_total', 'f.free') THEN 0
					ELSE (ARRAY[0, 0, 0, 25.00])[1 + ferry_gen.r('payment.additional', r.id) % 4]
					END AS additional,
				CASE WHEN r.seg IN ('f.zero_total', 'f.free') THEN 0
					ELSE (ARRAY[0, 0, 0, 0, 50.00])[1 + ferry_gen.r('payment.credit', r.id) % 5]
					END AS used_credit,
				(ARRAY[NULL, NULL, 0, 150.00])[1 + ferry_gen.r('payment.custom', r.id) % 4] AS custom,
				CASE WHEN ferry_gen.r('payment.made', r.id) % 10 = 0 THEN NULL
					ELSE ferry_gen.ts(ferry_gen.r('payment.made.at', r.id)) END AS made_at,
				1 + ferry_gen.r('payment.installments', r.id) % 3 AS installments
			FROM ferry_gen.rows('dispatch_payment') r
			CROSS JOIN ferry_gen.n
			CROSS JOIN ferry_gen.class('dispatch_instruction', 'ok') instruction
			CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor) x) a) p;
