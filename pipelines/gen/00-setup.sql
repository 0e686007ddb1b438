-- pipelines/gen/00-setup.sql: the generator's working schema ferry_gen
-- and its helpers.  psql variables: seed (an integer), scale (a number).
--
-- Every generated value is a pure function of the seed, the table's plan
-- (10-plan.sql) and the row's id, computed by ferry_gen.r: no random(),
-- no sequence, no clock.  The same seed therefore gives byte-identical
-- tables, whatever the order or the sessions the files run in.
--
-- How rows are laid out.  A table of n rows is cut into *segments*, each
-- a kind of row (clean, or one kind of dirt) with an exact count.  Row
-- `id` gets the *slot* ((id - 1) * a + b) mod n + 1, an affine
-- permutation of 1..n, and slots are dealt to the segments in order, so
-- that every segment is spread over the whole id range and its count is
-- exact.  ferry_gen.unslot inverts the permutation: the k-th row of a
-- segment (or of a *class*, consecutive segments named CLASS or
-- CLASS.something) is found without a join, which is how children pick
-- their parents.

SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET jit = off;			-- compiling these wide expressions costs seconds

DROP SCHEMA IF EXISTS ferry_gen CASCADE;
CREATE SCHEMA ferry_gen;

CREATE TABLE ferry_gen.param (
	seed bigint NOT NULL,
	scale numeric NOT NULL CHECK (scale > 0)
);
INSERT INTO ferry_gen.param VALUES (:seed, :scale);

-- r(stream, id): a pseudo-random integer in [0, 2^63) for row id, one
-- independent stream per purpose ('patient.doctor', 'file.ext'...).  The
-- seed is written into the body so that the planner inlines the function
-- and folds hashtext(stream) into a constant.
SELECT format($sql$
CREATE FUNCTION ferry_gen.r(stream text, id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT hashint8extended(id, %s::bigint # hashtext(stream)::bigint)
	& 9223372036854775807'
$sql$, (:seed)::bigint << 32) \gexec

-- scaled(base, floor): a count of base rows at scale 1, scaled, at least floor.
CREATE FUNCTION ferry_gen.scaled(base numeric, floor integer) RETURNS bigint
LANGUAGE sql STABLE
AS 'SELECT greatest(floor, round(base * (SELECT scale FROM ferry_gen.param)))::bigint';

-- The modular inverse of a modulo m (gcd(a, m) = 1).
CREATE FUNCTION ferry_gen.modinv(a bigint, m bigint) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	t bigint := 0;
	new_t bigint := 1;
	r bigint := m;
	new_r bigint := a % m;
	q bigint;
	tmp bigint;
BEGIN
	IF m = 1 THEN
		RETURN 0;
	END IF;
	WHILE new_r <> 0 LOOP
		q := r / new_r;
		tmp := t - q * new_t; t := new_t; new_t := tmp;
		tmp := r - q * new_r; r := new_r; new_r := tmp;
	END LOOP;
	IF r <> 1 THEN
		RAISE 'ferry_gen.modinv: % has no inverse modulo %', a, m;
	END IF;
	RETURN CASE WHEN t < 0 THEN t + m ELSE t END;
END $$;

-- The first multiplier from start up that is coprime with m.
CREATE FUNCTION ferry_gen.coprime(start bigint, m bigint) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	a bigint := greatest(1, start % m);
BEGIN
	WHILE gcd(a, m) <> 1 LOOP
		a := a % m + 1;
	END LOOP;
	RETURN a;
END $$;

-- The row id whose slot is s, in a table of n rows permuted by (a, b).
CREATE FUNCTION ferry_gen.unslot(s bigint, n bigint, ainv bigint, b bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (((s - 1 - b) % n + n) % n) * ainv % n + 1';

-- Word lists.  Picks are list[1 + r % length].

CREATE FUNCTION ferry_gen.pick(list text[], r bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT list[1 + r % cardinality(list)]';

-- A list where each word is repeated by its weight, to pick from:
-- weighted(ARRAY['a', 'b'], ARRAY[3, 1]) = {a,a,a,b}.  Its arguments are
-- constants, so the planner computes it once per statement.
CREATE FUNCTION ferry_gen.weighted(words text[], weights integer[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_agg(w.word ORDER BY w.i, g)
	FROM unnest(words, weights) WITH ORDINALITY AS w(word, weight, i),
		generate_series(1, w.weight) AS g
$$;

-- 32 hexadecimal digits (a storage uid), from two random streams.
CREATE FUNCTION ferry_gen.hex32(r1 bigint, r2 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$SELECT lpad(to_hex(r1), 16, '0') || lpad(to_hex(r2), 16, '0')$$;

CREATE FUNCTION ferry_gen.first_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael',
	'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan',
	'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
	'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony',
	'Sandra', 'Mark', 'Margaret', 'Donald', 'Ashley', 'Steven', 'Kimberly',
	'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle', 'Kenneth',
	'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah',
	'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Laura', 'Edward',
	'Sharon', 'Jeffrey', 'Cynthia', 'Ryan', 'Kathleen', 'Jacob', 'Amy',
	'Gary', 'Shirley'] $$;

-- Last names are a head and a tail: 40 x 40.
CREATE FUNCTION ferry_gen.name_heads() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'And', 'Bar', 'Car', 'Dal', 'Ell', 'Fair', 'Gar', 'Hal', 'Ing', 'Jan',
	'Kel', 'Lan', 'Mar', 'Nor', 'Ock', 'Pem', 'Quin', 'Ros', 'Stan', 'Tal',
	'Ulm', 'Van', 'Wal', 'Yar', 'Zell', 'Ash', 'Brad', 'Cole', 'Dun', 'Eck',
	'Fitz', 'Gold', 'Hart', 'Iver', 'Kings', 'Lock', 'Mont', 'Nash', 'Oak',
	'Pres'] $$;

CREATE FUNCTION ferry_gen.name_tails() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'ton', 'ley', 'son', 'ford', 'wood', 'field', 'well', 'man', 'worth',
	'by', 'more', 'dale', 'brook', 'stein', 'berg', 'ridge', 'ham', 'hurst',
	'land', 'wick', 'combe', 'grove', 'mont', 'shaw', 'stead', 'burn',
	'croft', 'den', 'gate', 'holm', 'ling', 'mere', 'ney', 'port', 'rick',
	'sby', 'thorpe', 'vale', 'win', 'yard'] $$;

CREATE FUNCTION ferry_gen.japanese_family_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林',
	'加藤', '吉田', '山田', '佐々木', '山口', '松本', '井上', '木村', '林',
	'斎藤', '清水', '山崎', '森', '池田', '橋本', '阿部', '石川', '山下',
	'中島', '石井', '小川', '前田', '岡田', '長谷川', '藤田', '後藤', '近藤',
	'村上', '遠藤', '青木', '坂本', '斉藤', '福田', '太田', '西村', '藤井',
	'金子', '岡本', '藤原', '中野', '三浦'] $$;

CREATE FUNCTION ferry_gen.japanese_given_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'太郎', '花子', '翔', '陽菜', '蓮', '結衣', '大翔', '葵', '悠真', '美咲',
	'湊', '凛', '健太', 'さくら', '拓海', '愛', '颯太', '優奈', '陸', '芽衣',
	'大輝', '七海', '海斗', '彩花', '翼', '美優', '蒼', '莉子', '樹', '杏',
	'悠斗', '心春', '朝陽', '結菜', '奏太', '楓', '一郎', '由美', '誠', '恵子',
	'隆', '裕子', '浩', '明美', '修', '直子', '健', '久美子', '亮', '真由美'] $$;

-- A clean user's names and email, unique for ids below 64 * 40 * 40 =
-- 102,400 (scale 10 stays below it): name_key is a bijection of
-- id mod 102,400 (7919 is prime to it) split into three list indexes.
-- Copies of them are the duplicates.
CREATE FUNCTION ferry_gen.name_key(id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT id % 102400 * 7919 % 102400';

CREATE FUNCTION ferry_gen.first_name(id bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (ferry_gen.first_names())[1 + ferry_gen.name_key(id) % 64]';

CREATE FUNCTION ferry_gen.last_name(id bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (ferry_gen.name_heads())[1 + ferry_gen.name_key(id) / 64 % 40]
	|| (ferry_gen.name_tails())[1 + ferry_gen.name_key(id) / 2560 % 40]';

CREATE FUNCTION ferry_gen.email(id bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$SELECT lower(ferry_gen.first_name(id)) || '.' || lower(ferry_gen.last_name(id))
	|| id || '@' || ferry_gen.pick(ARRAY['gmail.com', 'yahoo.com',
	'outlook.com', 'smileclinic.com', 'orthocare.net', 'icloud.com'],
	ferry_gen.r('user.domain', id))$$;

-- Free text.  Clean texts carry the keywords of the case_messages rules.
CREATE FUNCTION ferry_gen.clean_texts() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'Please check the upper arch.',
	'Looks good - approved.',
	'Can we add attachments on 13 and 23?',
	'Treatment plan updated with 20 aligners.',
	'Scan received.',
	'I approve the setup.',
	'Question about the IPR amounts',
	'Refinement needed for lower incisors',
	'Shipped today',
	'Patient moved to another office',
	'Upper midline is off by 1 mm',
	'New scans uploaded'] $$;

-- Quotes, commas, line ends (LF and CRLF), tabs, backslashes, spaces at
-- either end, an apostrophe: what CSV and COPY must carry unchanged.
CREATE FUNCTION ferry_gen.punctuation_texts() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'Patient says "it hurts", twice',
	E'Line one\nLine two, with a comma',
	'Upper, lower; both',
	'  leading and trailing spaces  ',
	E'Windows line end\r\nsecond line',
	'Backslash C:\scans\upper.stl',
	E'Tab\tseparated',
	'"quoted at both ends"',
	'Comma at the end,',
	'It''s the doctor''s note',
	E'"",\n,""',
	'\N is not NULL here'] $$;

CREATE FUNCTION ferry_gen.japanese_texts() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'上顎の前歯を少し内側へ移動してください。',
	'次回の来院は三週間後です。',
	'アタッチメントの位置を確認してください、お願いします。',
	'患者様より「痛みがある」との連絡あり',
	'スキャンデータを再送します',
	'治療計画を承認します。',
	E'下顎のIPRは0.2mmで。\n上顎はなし。',
	'ｶﾀｶﾅ半角とＡＢＣ全角'] $$;

-- JSON kept in text columns: valid, and malformed (each one refused by
-- PostgreSQL's json parser).
CREATE FUNCTION ferry_gen.malformed_json() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[
	'{"scheme": "A", "teeth": [11, 12',
	'{''scheme'': ''A''}',
	'scheme=A;teeth=11,12',
	'{"a": 1,}',
	'{"value": NaN}',
	'[1, 2] trailing'] $$;

-- A timestamp between 2018-03-22 and mid 2025, in whole seconds.
CREATE FUNCTION ferry_gen.ts(r bigint) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$SELECT timestamptz '2018-03-22 00:00:00+00' + (r % 228000000) * interval '1 second'$$;

-- A money amount in [low, low + span) with cents.
CREATE FUNCTION ferry_gen.money(r bigint, low integer, span integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT low + (r % (span * 100))::numeric / 100';

-- Base 36, four digits (the patient suffix, e.g. 00BB).
CREATE FUNCTION ferry_gen.base36(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$SELECT substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (n / 46656 % 36)::int + 1, 1)
	|| substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (n / 1296 % 36)::int + 1, 1)
	|| substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (n / 36 % 36)::int + 1, 1)
	|| substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (n % 36)::int + 1, 1)$$;
