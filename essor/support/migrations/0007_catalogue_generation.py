"""The support catalogue's generation: the value orientation's in-memory copy of the
published offers is keyed by (essor/support/catalogue.py). Triggers set it at every
write to the offers and their served areas, whatever makes it — services, the admin, a
QuerySet.update() —, so that the next question reads the catalogue as written.

The new value is one no transaction has shown before (a sequence on PostgreSQL, whose
values a rollback does not take back; a random 64-bit number on SQLite), so that a copy
built inside a transaction that was rolled back is never taken for the current one."""

from django.db import migrations

SQLITE_TABLES = ["support_supportoffer", "support_offerarea"]
SQLITE_EVENTS = {"ai": "INSERT", "au": "UPDATE", "ad": "DELETE"}


def sqlite_statements():
    yield "CREATE TABLE support_catalogue_state (id integer PRIMARY KEY, generation bigint NOT NULL)"
    yield "INSERT INTO support_catalogue_state (id, generation) VALUES (1, 0)"
    for table in SQLITE_TABLES:
        for suffix, event in SQLITE_EVENTS.items():
            yield (
                f"CREATE TRIGGER {table}_catalogue_{suffix} AFTER {event} ON {table} BEGIN "
                "UPDATE support_catalogue_state SET generation = random() WHERE id = 1; END"
            )


POSTGRESQL = """
CREATE SEQUENCE support_catalogue_generation;
CREATE TABLE support_catalogue_state (id integer PRIMARY KEY, generation bigint NOT NULL);
INSERT INTO support_catalogue_state (id, generation) VALUES (1, 0);
CREATE FUNCTION essor_support_catalogue_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE support_catalogue_state SET generation = nextval('support_catalogue_generation')
   WHERE id = 1;
  RETURN NULL;
END $$;
-- Once per statement: a bulk write of thousands of areas moves it once.
CREATE TRIGGER support_supportoffer_catalogue
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON support_supportoffer
  FOR EACH STATEMENT EXECUTE FUNCTION essor_support_catalogue_bump();
CREATE TRIGGER support_offerarea_catalogue
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON support_offerarea
  FOR EACH STATEMENT EXECUTE FUNCTION essor_support_catalogue_bump();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS support_supportoffer_catalogue ON support_supportoffer;
DROP TRIGGER IF EXISTS support_offerarea_catalogue ON support_offerarea;
DROP FUNCTION IF EXISTS essor_support_catalogue_bump();
DROP TABLE IF EXISTS support_catalogue_state;
DROP SEQUENCE IF EXISTS support_catalogue_generation;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_statements():
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in SQLITE_TABLES:
            for suffix in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_catalogue_{suffix}")
        schema_editor.execute("DROP TABLE IF EXISTS support_catalogue_state")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0006_offer_held_link_changes"),
    ]

    operations = [migrations.RunPython(create, drop)]
