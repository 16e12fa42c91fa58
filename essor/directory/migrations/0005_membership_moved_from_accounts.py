"""Membership moved from the accounts app to the directory. A fresh database gets the table
from 0001; a database made before the move still has it under its old name: rename it."""

from django.db import migrations

OLD, NEW = "accounts_membership", "directory_membership"


def rename_old_table(apps, schema_editor):
    tables = schema_editor.connection.introspection.table_names()
    if OLD in tables and NEW not in tables:
        schema_editor.execute(f"ALTER TABLE {OLD} RENAME TO {NEW}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_triggers_custom_plans")]

    operations = [migrations.RunPython(rename_old_table, migrations.RunPython.noop)]
