"""Financing tools speak the shared life-phase vocabulary (essor.directory.enums.Phase):
« amorçage » (seed) is the idea and emergence phase, « reprise » (takeover) is the
transfer phase. Tools, their denormalised facets and the saved catalog searches follow."""

from django.db import migrations

RENAMED = {"seed": "idea", "takeover": "transfer"}


def _phases(values, mapping):
    return list(dict.fromkeys(mapping.get(v, v) for v in values))


def rename(apps, mapping):
    FinancingTool = apps.get_model("financing", "FinancingTool")
    SavedSearch = apps.get_model("financing", "SavedSearch")
    for tool in FinancingTool.objects.all():
        phases = _phases(tool.phases, mapping)
        facets = tool.facets
        for old, new in mapping.items():
            facets = facets.replace(f" phase:{old} ", f" phase:{new} ")
        if phases != tool.phases or facets != tool.facets:
            tool.phases, tool.facets = phases, facets
            tool.save(update_fields=["phases", "facets"])
    for search in SavedSearch.objects.all():
        phase = search.params.get("phase")
        if phase in mapping:
            search.params["phase"] = mapping[phase]
            search.save(update_fields=["params"])


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("financing", "0002_areas")]

    operations = [migrations.RunPython(forwards, backwards)]
