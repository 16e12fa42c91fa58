"""Check constraints added to tables that carry triggers.

SQLite cannot add a CHECK to an existing table: Django rebuilds the table, and the rebuild
drops the table's triggers (the directory's search index keeps itself up to date with
triggers on establishments and communes). `add_check_in_place()` adds the constraint to the
migration state as AddConstraint would; in the database, PostgreSQL gets the real
constraint, SQLite a pair of BEFORE INSERT / BEFORE UPDATE triggers that refuse the same
rows with the same name (an IntegrityError either way). A table rebuilt later gets the
CHECK itself, from the state."""

from django.db import migrations


def add_check_in_place(app_label, model_name, constraint, sqlite_violation):
    """`sqlite_violation`: the SQL condition, on NEW, of a row the constraint refuses."""

    def triggers(model):
        table, name = model._meta.db_table, constraint.name
        return [
            (
                f"{name}_{event.lower()}",
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                f"FOR EACH ROW WHEN {sqlite_violation} "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END",
            )
            for event in ("INSERT", "UPDATE")
        ]

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "sqlite":
            schema_editor.add_constraint(model, constraint)
            return
        for _, sql in triggers(model):
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "sqlite":
            schema_editor.remove_constraint(model, constraint)
            return
        for name, _ in triggers(model):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddConstraint(model_name=model_name, constraint=constraint)],
        database_operations=[migrations.RunPython(forwards, backwards)],
    )
