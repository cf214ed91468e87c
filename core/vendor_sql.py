"""Raw SQL that differs by database, for data-rule migrations (triggers, exclusion constraints)."""


def run_by_vendor(sql_by_vendor: dict):
    """A RunPython function that executes the SQL written for the connection's vendor, if any."""

    def apply(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)

    return apply
