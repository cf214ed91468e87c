"""History rows cannot be changed: the database itself refuses updates (and deletes on PostgreSQL).

SQLite's test flush deletes rows one by one, so there only updates are refused; PostgreSQL's
flush truncates, which row triggers do not see.
"""

from django.db import migrations

from core.vendor_sql import run_by_vendor

PG_UP = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % refused on accounts_auditevent', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE ON accounts_auditevent
BEGIN SELECT RAISE(ABORT, 'history is append-only: UPDATE refused on accounts_auditevent'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_append_only;"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            run_by_vendor({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
