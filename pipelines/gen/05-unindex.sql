-- pipelines/gen/05-unindex.sql: the legacy tables' foreign keys and
-- secondary indexes are set aside while the tables fill, and put back by
-- 85-reindex.sql: one index build or one validating query per constraint
-- is several times faster than keeping them up row by row.  Their
-- definitions are kept verbatim, so the schema ends as legacy.sql made
-- it.  Primary keys and unique constraints stay throughout.

CREATE TABLE ferry_gen.set_aside (
	ord serial,
	drop_sql text NOT NULL,
	create_sql text NOT NULL
);

INSERT INTO ferry_gen.set_aside (drop_sql, create_sql)
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname),
	format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname,
		pg_get_constraintdef(k.oid))
FROM pg_constraint k
WHERE k.connamespace = 'public'::regnamespace AND k.contype = 'f'
ORDER BY k.conrelid::regclass::text, k.conname;

INSERT INTO ferry_gen.set_aside (drop_sql, create_sql)
SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisunique
	AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY i.indexrelid::regclass::text;

SELECT drop_sql FROM ferry_gen.set_aside ORDER BY ord \gexec
