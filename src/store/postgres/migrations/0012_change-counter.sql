-- The store's change token (reports.changeToken) for THIS database: a counter bumped once by every
-- transaction that writes a table of the schema, at its commit. A statement trigger on every table
-- notes the first write of a transaction (a transaction-local setting, undone with a rolled-back
-- savepoint) by inserting one row into change_marks; a deferred constraint trigger on that row
-- bumps the counter just before the commit and deletes the row. The counter's row lock is thus
-- held only while committing (a long import does not hold it, nor block other writers), and a
-- reader sees the new value exactly when the writes are visible: equal tokens mean nothing
-- committed in between. (Every transaction here is READ COMMITTED; a REPEATABLE READ writer would
-- get a serialization failure on the counter, which tx() retries.)
CREATE TABLE "change_counter" (
	"id" integer PRIMARY KEY CHECK ("id" = 1),
	"n" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "change_counter" ("id", "n") VALUES (1, 0);
--> statement-breakpoint
CREATE TABLE "change_marks" (
	"xid" xid8 PRIMARY KEY
);
--> statement-breakpoint
CREATE FUNCTION orglife_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('orglife.changed', true) IS DISTINCT FROM '1' THEN
    PERFORM set_config('orglife.changed', '1', true);
    INSERT INTO change_marks (xid) VALUES (pg_current_xact_id());
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION orglife_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_counter SET n = n + 1 WHERE id = 1;
  DELETE FROM change_marks WHERE xid = NEW.xid;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "change_marks_count" AFTER INSERT ON "change_marks"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orglife_count_change();
--> statement-breakpoint
-- Attach the statement trigger to every table of the schema that lacks it (the store runs this
-- after every migration, so tables of later migrations are watched too). Returns how many it attached.
CREATE FUNCTION orglife_watch_tables() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  t text;
  k integer := 0;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
       AND c.relname NOT IN ('change_counter', 'change_marks')
       AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'orglife_change')
  LOOP
    EXECUTE format('CREATE TRIGGER orglife_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION orglife_note_change()', t);
    k := k + 1;
  END LOOP;
  RETURN k;
END $$;
--> statement-breakpoint
SELECT orglife_watch_tables();
