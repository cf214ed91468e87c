"""Rules the database keeps: no one has two overlapping duty shifts (PostgreSQL: an exclusion
constraint; SQLite: the service checks under its write lock), and an incident's timeline is
append-only (both; deletes refused on PostgreSQL, where the test flush truncates)."""

from django.db import migrations

from core.vendor_sql import run_by_vendor

PG_UP = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE grid_dutyshift ADD CONSTRAINT grid_dutyshift_no_overlap
    EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
CREATE OR REPLACE FUNCTION grid_step_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the incident timeline is append-only: % refused on grid_step', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER grid_step_append_only BEFORE UPDATE OR DELETE ON grid_step
    FOR EACH ROW EXECUTE FUNCTION grid_step_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS grid_step_append_only ON grid_step;
DROP FUNCTION IF EXISTS grid_step_append_only();
ALTER TABLE grid_dutyshift DROP CONSTRAINT IF EXISTS grid_dutyshift_no_overlap;
"""
SQLITE_UP = """
CREATE TRIGGER grid_step_append_only BEFORE UPDATE ON grid_step
BEGIN SELECT RAISE(ABORT, 'the incident timeline is append-only: UPDATE refused on grid_step'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS grid_step_append_only;"


class Migration(migrations.Migration):
    dependencies = [("grid", "0002_defaults")]
    operations = [
        migrations.RunPython(
            run_by_vendor({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            run_by_vendor({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
