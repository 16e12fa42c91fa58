# ruff: noqa: S608 - the f-strings join the migration's own SQL
"""PostgreSQL: the search index's triggers do less for the same index (issue 20, the RNA
import of 1.5 million associations).

- An establishment written, moved or removed rewrites its organisation's document only
  when it carries text into it: active, with a name or an activity of the NAF table.
  The document's activity is the union of exactly those texts, so the others cannot
  change it. An RNA head office (no name, no NAF code) used to recompute the document
  its organisation's INSERT had just written: half the trigger time of a first import.
- The organisation's conditions (active, in the ESS) no longer drive the plans: with the
  statistics of a table still filling, PostgreSQL read every active organisation and
  kept those of the batch, a cost growing with the directory at each batch. The batch's
  keys (organisations, establishments, communes) are what each statement starts from.

The index is the same as the one 0003 writes (tests/test_search_index_rebuild.py
compares it with a rebuild). SQLite's row triggers already skip such establishments
(directory_search_est_ai_text)."""

import re
from importlib import import_module

from django.db import migrations

# An establishment whose text enters its organisation's document (0003's activity).
CARRIES_TEXT = (
    "({row}.status = 'active' AND ({row}.name <> '' "
    "OR {row}.naf IN (SELECT code FROM directory_search_naf)))"
)

ESTABLISHMENT_CHANGED = f"""
CREATE OR REPLACE FUNCTION essor_search_establishment_changed() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  site_ids bigint[];
  org_ids bigint[];
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  IF TG_OP = 'INSERT' THEN
    site_ids := ARRAY(SELECT id FROM new_rows);
    org_ids := ARRAY(SELECT DISTINCT n.organisation_id FROM new_rows n
                      WHERE {CARRIES_TEXT.format(row="n")});
  ELSIF TG_OP = 'UPDATE' THEN
    site_ids := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.organisation_id, n.commune_id, n.latitude, n.longitude, n.naf,
              n.headcount_band, n.status, n.diffusion, n.is_head_office)
             IS DISTINCT FROM
             (o.organisation_id, o.commune_id, o.latitude, o.longitude, o.naf,
              o.headcount_band, o.status, o.diffusion, o.is_head_office));
    org_ids := ARRAY(
      SELECT DISTINCT unnest(ARRAY[n.organisation_id, o.organisation_id])
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.organisation_id, n.name, n.naf, n.status)
             IS DISTINCT FROM (o.organisation_id, o.name, o.naf, o.status)
         AND ({CARRIES_TEXT.format(row="n")} OR {CARRIES_TEXT.format(row="o")}));
  ELSE
    DELETE FROM directory_search_site WHERE est_id IN (SELECT id FROM old_rows);
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT DISTINCT o.organisation_id FROM old_rows o
                                            WHERE {CARRIES_TEXT.format(row="o")}));
    RETURN NULL;
  END IF;
  IF cardinality(site_ids) > 0 THEN
    DELETE FROM directory_search_site WHERE est_id = ANY(site_ids);
    PERFORM essor_search_insert_sites(site_ids, '{{}}', '{{}}');
  END IF;
  IF cardinality(org_ids) > 0 THEN
    PERFORM essor_search_refresh_orgs(org_ids);
  END IF;
  RETURN NULL;
END $$;
"""

FUNCTIONS = {
    "essor_search_establishment_changed": "essor_search_establishment_changed()",
    "essor_search_refresh_orgs": "essor_search_refresh_orgs(bigint[])",
    "essor_search_insert_sites": "essor_search_insert_sites(bigint[], bigint[], text[])",
}


def _functions_of_0003():
    """0003's text of each function this migration replaces: {name: CREATE statement}."""
    setup = import_module("essor.directory.migrations.0003_search_index").PG_SETUP
    return {
        name: re.search(
            rf"CREATE OR REPLACE FUNCTION {name}\(.*?END \$\$;", setup, re.DOTALL
        ).group(0)
        for name in FUNCTIONS
    }


LISTED = "o.status = 'active' AND o.ess_family <> ''"
# "|| ''": the organisation is reached by its key from the batch's rows; its state only
# filters (the same trick 0003 used for the establishment's status).
LISTED_WITHOUT_INDEX = "o.status || '' = 'active' AND o.ess_family || '' <> ''"


def _listed_without_index(sql):
    assert LISTED in sql
    return sql.replace(LISTED, LISTED_WITHOUT_INDEX)


def new_functions():
    old = _functions_of_0003()
    return [
        ESTABLISHMENT_CHANGED,
        _listed_without_index(old["essor_search_refresh_orgs"]),
        _listed_without_index(old["essor_search_insert_sites"]),
    ]


def _apply(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements():
            schema_editor.execute(statement)
        # CREATE OR REPLACE resets a function's settings: 0004's plan mode again.
        for signature in FUNCTIONS.values():
            schema_editor.execute(
                f"ALTER FUNCTION {signature} SET plan_cache_mode = force_custom_plan"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_label_kind_place")]

    operations = [
        migrations.RunPython(
            _apply(new_functions), _apply(lambda: list(_functions_of_0003().values()))
        ),
    ]
