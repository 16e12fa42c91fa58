"""The 2016 état des lieux as the first record of the library, with its text (so that every
database, fresh or not, finds it by its words; see services.load_report_study)."""

from django.db import migrations


def load(apps, schema_editor):
    from essor.resources.services import load_report_study

    load_report_study(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_studies")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
