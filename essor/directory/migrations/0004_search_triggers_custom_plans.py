"""PostgreSQL: the search index's trigger functions plan each statement for its own
arguments.

PL/pgSQL caches a generic plan after five calls; made while the tables were nearly
empty, it kept scanning them as they grew, and a bulk import slowed down batch after
batch (bench/search's 60,000 organisations: 139 s, then 33 s with this setting, every
batch of 20,000 taking the same 10 to 12 s). Planning anew costs about a millisecond
per statement, once per batch."""

from django.db import migrations

FUNCTIONS = [
    "essor_search_refresh_orgs(bigint[])",
    "essor_search_insert_sites(bigint[], bigint[], text[])",
    "essor_search_org_changed()",
    "essor_search_establishment_changed()",
    "essor_search_labels_changed()",
    "essor_search_label_renamed()",
    "essor_search_communes_changed()",
    "essor_search_truncated()",
]


def set_plan_mode(mode):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for function in FUNCTIONS:
            if mode:
                schema_editor.execute(f"ALTER FUNCTION {function} SET plan_cache_mode = {mode}")
            else:
                schema_editor.execute(f"ALTER FUNCTION {function} RESET plan_cache_mode")

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_index")]

    operations = [
        migrations.RunPython(set_plan_mode("force_custom_plan"), set_plan_mode(None)),
    ]
