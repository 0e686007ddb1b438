-- pipelines/gen/85-reindex.sql: the indexes, then the foreign keys that
-- 05-unindex.sql set aside (each foreign key is validated once, here).

SELECT create_sql FROM ferry_gen.set_aside ORDER BY ord DESC \gexec
