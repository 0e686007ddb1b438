-- pipelines/gen/30-offices.sql: dispatch_office, dispatch_office_doctors,
-- dispatch_doctorsetting, dispatch_usersetting.

-- An office's name, street address, city, state and zip are functions of
-- a source id: its own, or for a duplicate the k-th clean US office's.
-- Exactly n - invalid offices are valid, spread by a Beatty sequence:
-- id is valid when floor(id * valid / n) > floor((id - 1) * valid / n).
INSERT INTO dispatch_office (id, name, address, apt, city, state, zip,
	country, phone, tax_rate, valid, sq_customer_id, emails, doctor_id)
SELECT o.id,
	CASE o.seg
		WHEN 'o.name_empty' THEN CASE WHEN o.k % 2 = 0 THEN NULL ELSE '   ' END
		WHEN 'o.punctuation' THEN ferry_gen.pick(ARRAY[
			'Smith, Jones & "Partners" Orthodontics', E'Smile\nDesign Studio',
			'  O''Neil Dental  ', 'Braces, Inc.'], o.k)
		WHEN 'o.japanese' THEN (ferry_gen.japanese_family_names())[1 + o.kk % 50]
			|| ferry_gen.pick(ARRAY['矯正歯科', '矯正歯科クリニック', '歯科医院'], o.kk / 50)
		ELSE ferry_gen.pick(ARRAY['Bright Smile', 'Smile Design', 'Family',
			'Advanced', 'Gentle', 'City', 'Valley', 'Harbor', 'Sunrise', 'Lakeside'],
			ferry_gen.r('office.name', o.src))
			|| ' ' || ferry_gen.pick(ARRAY['Orthodontics', 'Dental', 'Dental Group',
			'Ortho Studio', 'Smiles'], ferry_gen.r('office.name.tail', o.src)) END,
	CASE o.seg
		WHEN 'o.punctuation' THEN o.id || ' Main St, Suite "B"' || E'\n' || 'Building 2'
		WHEN 'o.japanese' THEN '東京都渋谷区神宮前' || (1 + o.id % 6) || '-' || o.id
		ELSE (100 + o.src) || ' ' || ferry_gen.pick(ARRAY['Main St', 'Oak Avenue',
			'Park Road', 'Elm Street', 'Broadway', 'Sukhumvit Rd', 'MG Road',
			'Chuo-dori'], ferry_gen.r('office.street', o.src)) END,
	CASE WHEN ferry_gen.r('office.apt', o.id) % 4 = 0
		THEN 'Suite ' || ferry_gen.r('office.apt.number', o.id) % 500 END,
	CASE o.country_class
		WHEN 'usa' THEN ferry_gen.pick(ARRAY['New York', 'Los Angeles', 'Chicago',
			'Houston', 'Phoenix', 'San Diego', 'Dallas', 'Austin', 'Seattle',
			'Denver'], ferry_gen.r('office.city', o.src))
		WHEN 'japan' THEN ferry_gen.pick(ARRAY['Tokyo', 'Osaka', 'Nagoya', 'Fukuoka',
			'東京'], ferry_gen.r('office.city', o.src))
		WHEN 'india' THEN ferry_gen.pick(ARRAY['Mumbai', 'Delhi', 'Bengaluru',
			'Chennai'], ferry_gen.r('office.city', o.src))
		WHEN 'thailand' THEN ferry_gen.pick(ARRAY['Bangkok', 'Chiang Mai'],
			ferry_gen.r('office.city', o.src))
		WHEN 'vietnam' THEN ferry_gen.pick(ARRAY['Hanoi', 'Ho Chi Minh City'],
			ferry_gen.r('office.city', o.src))
		WHEN 'australia' THEN ferry_gen.pick(ARRAY['Sydney', 'Melbourne'],
			ferry_gen.r('office.city', o.src))
		ELSE ferry_gen.pick(ARRAY['Manila', 'Singapore', 'Paris', 'Auckland'], o.k) END,
	CASE o.country_class
		WHEN 'usa' THEN ferry_gen.pick(ARRAY['NY', 'CA', 'il', ' TX ', 'AZ', 'ca',
			'TX', 'tx', 'WA', 'CO'], ferry_gen.r('office.state', o.src))
		WHEN 'japan' THEN CASE WHEN o.id % 2 = 0 THEN 'Tokyo-to' END
		WHEN 'india' THEN ferry_gen.pick(ARRAY['MH', 'DL', 'KA', 'TN'],
			ferry_gen.r('office.state', o.src))
		WHEN 'australia' THEN ferry_gen.pick(ARRAY['NSW', 'VIC'],
			ferry_gen.r('office.state', o.src)) END,
	CASE o.country_class
		WHEN 'usa' THEN lpad((ferry_gen.r('office.zip', o.src) % 100000)::text, 5, '0')
			|| CASE WHEN ferry_gen.r('office.zip4', o.src) % 4 = 0
				THEN '-' || lpad((ferry_gen.r('office.zip.plus4', o.src) % 10000)::text, 4, '0')
				ELSE '' END
		WHEN 'japan' THEN lpad((ferry_gen.r('office.zip', o.src) % 1000)::text, 3, '0')
			|| '-' || lpad((ferry_gen.r('office.zip', o.src) % 10000)::text, 4, '0')
		WHEN 'australia' THEN lpad((ferry_gen.r('office.zip', o.src) % 10000)::text, 4, '0')
		WHEN 'thailand' THEN lpad((ferry_gen.r('office.zip', o.src) % 100000)::text, 5, '0')
		ELSE lpad((ferry_gen.r('office.zip', o.src) % 1000000)::text, 6, '0') END,
	CASE o.seg
		WHEN 'o.country_null' THEN NULL
		WHEN 'o.usa_variant' THEN ferry_gen.pick(ARRAY['usa', 'US', 'United States',
			'united states ', ' U.S.A.', 'Usa', 'United States of America'], o.k)
		WHEN 'o.japan_variant' THEN ferry_gen.pick(ARRAY['japan', 'JAPAN',
			'Japan ', '日本'], o.k)
		ELSE CASE o.country_class
			WHEN 'usa' THEN 'USA'
			WHEN 'japan' THEN 'Japan'
			WHEN 'india' THEN 'India'
			WHEN 'thailand' THEN 'Thailand'
			WHEN 'vietnam' THEN 'Vietnam'
			WHEN 'australia' THEN 'Australia'
			ELSE ferry_gen.pick(ARRAY['Philippines', 'Singapore', 'France',
				'New Zealand'], o.k) END END,
	CASE WHEN ferry_gen.r('office.phone', o.id) % 10 = 0 THEN NULL
		WHEN o.country_class = 'usa' THEN '(' || 200 + ferry_gen.r('office.phone', o.id) % 800
			|| ') 555-' || lpad((ferry_gen.r('office.phone.line', o.id) % 10000)::text, 4, '0')
		ELSE '+' || ferry_gen.pick(ARRAY['81 3', '91 22', '66 2', '61 2'],
			ferry_gen.r('office.phone.prefix', o.id))
			|| '-' || lpad((ferry_gen.r('office.phone.line', o.id) % 100000000)::text, 8, '0') END,
	CASE o.seg
		WHEN 'o.tax_percent' THEN (ARRAY[7.25, 8.875, 10.25, 6.5, 9.5])[1 + o.k % 5]
		WHEN 'o.tax_null' THEN NULL
		ELSE CASE o.country_class
			WHEN 'usa' THEN (ARRAY[0, 0.0725, 0.08875, 0.1025, 0.06, 0.07])
				[1 + ferry_gen.r('office.tax', o.id) % 6]
			WHEN 'japan' THEN 0.1
			WHEN 'india' THEN 0.18
			WHEN 'thailand' THEN 0.07
			ELSE 0 END END,
	o.id * o.valid / o.n > (o.id - 1) * o.valid / o.n,
	CASE WHEN ferry_gen.r('office.square', o.id) % 3 <> 0
		THEN upper(substr(md5('sq' || ferry_gen.r('office.square', o.id)), 1, 20)) END,
	ferry_gen.r('office.emails', o.id) % 2 = 0,
	CASE WHEN ferry_gen.r('office.doctor', o.id) % 10 < 3
		THEN ferry_gen.unslot(doctor.lo + ferry_gen.r('office.doctor', o.id) % doctor.cnt,
			doctor.n, doctor.ainv, doctor.b) END
FROM (SELECT r.id, r.seg, r.k, r.kk, n.dispatch_office AS n,
		n.dispatch_office - invalid.count AS valid,
		CASE WHEN r.seg = 'o.duplicate'
			THEN ferry_gen.unslot(usa.lo + r.k, usa.n, usa.ainv, usa.b)
			ELSE r.id END AS src,
		CASE WHEN r.seg IN ('o.japan_variant', 'o.japanese') THEN 'japan'
			WHEN r.seg LIKE 'o.%' THEN 'usa'
			ELSE r.seg END AS country_class
	FROM ferry_gen.rows('dispatch_office') r
	CROSS JOIN ferry_gen.n
	CROSS JOIN ferry_gen.spread_kind invalid
	CROSS JOIN ferry_gen.segment('dispatch_office', 'usa') usa
	WHERE invalid.kind = 'office_invalid') o
CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor;

-- The k-th "first" row gives the k-th doctor an office; the k-th "further"
-- row and the k-th orphan row give the same doctor another one.
INSERT INTO dispatch_office_doctors (id, office_id, user_id)
SELECT od.id,
	CASE od.seg
		WHEN 'first' THEN od.first_office
		WHEN 'further' THEN (od.first_office
			+ ferry_gen.r('office_doctor.further', od.k) % (n.dispatch_office - 1))
			% n.dispatch_office + 1
		ELSE n.dispatch_office + 1 + od.kk END,
	ferry_gen.unslot(doctor.lo + od.k, doctor.n, doctor.ainv, doctor.b)
FROM (SELECT r.*, 1 + ferry_gen.r('office_doctor.first', r.k) % n.dispatch_office AS first_office
	FROM ferry_gen.rows('dispatch_office_doctors') r CROSS JOIN ferry_gen.n) od
CROSS JOIN ferry_gen.n
CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor;

-- The first doctors have settings.
INSERT INTO dispatch_doctorsetting (id, user_id, clinical_preferences,
	sq_customer_id, promised_payment, credit, tier_finish, tier_type,
	installment_payments, baa_agreed_at, eula_agreed_at, company_account)
SELECT s.id,
	ferry_gen.unslot(doctor.lo + s.k, doctor.n, doctor.ainv, doctor.b),
	ferry_gen.pick(ARRAY['', '{"ipr": true, "attachments": "as needed"}',
		'No IPR on lower anteriors', '{"engagers": false}',
		E'Prefers "light" forces,\nno elastics'], ferry_gen.r('doctorsetting.preferences', s.id)),
	CASE WHEN ferry_gen.r('doctorsetting.square', s.id) % 2 = 0
		THEN upper(substr(md5('sqd' || ferry_gen.r('doctorsetting.square', s.id)), 1, 20)) END,
	ferry_gen.r('doctorsetting.promised', s.id) % 4 = 0,
	(ARRAY[0, 0, 100, 250.50])[1 + ferry_gen.r('doctorsetting.credit', s.id) % 4],
	(ARRAY['gold', 'silver', 'bronze', NULL])[1 + ferry_gen.r('doctorsetting.tier', s.id) % 4],
	1 + ferry_gen.r('doctorsetting.tier.type', s.id) % 3,
	ferry_gen.r('doctorsetting.installments', s.id) % 4,
	CASE WHEN ferry_gen.r('doctorsetting.baa', s.id) % 3 = 0 THEN NULL
		ELSE ferry_gen.ts(ferry_gen.r('doctorsetting.baa', s.id)) END,
	ferry_gen.ts(ferry_gen.r('doctorsetting.eula', s.id)),
	ferry_gen.r('doctorsetting.company', s.id) % 10 = 0
FROM ferry_gen.rows('dispatch_doctorsetting') s
CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor;

-- Every doctor has user settings.
INSERT INTO dispatch_usersetting (id, user_id, language, timezone, notify_by_email)
SELECT s.id,
	ferry_gen.unslot(doctor.lo + s.k, doctor.n, doctor.ainv, doctor.b),
	ferry_gen.pick(ARRAY['en', 'en', 'ja', 'th'], ferry_gen.r('usersetting.language', s.id)),
	ferry_gen.pick(ARRAY['America/New_York', 'America/Los_Angeles', 'Asia/Tokyo',
		'Asia/Bangkok', 'Asia/Kolkata'], ferry_gen.r('usersetting.timezone', s.id)),
	ferry_gen.r('usersetting.notify', s.id) % 5 <> 0
FROM ferry_gen.rows('dispatch_usersetting') s
CROSS JOIN ferry_gen.class('auth_user', 'doctor') doctor;
