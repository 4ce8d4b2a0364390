-- export_relations: one row per table or view that `pir export` writes, and
-- per column of it: the analyst tables and views of schema main (not the
-- migration bookkeeping) and the base tables of schema store. Columns in
-- their declared order. No parameters.
SELECT c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.ordinal_position
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_catalog = current_database()
  AND ((c.table_schema = 'main' AND c.table_name <> 'schema_migrations')
       OR (c.table_schema = 'store' AND t.table_type = 'BASE TABLE'))
ORDER BY c.table_schema, c.table_name, c.ordinal_position;
