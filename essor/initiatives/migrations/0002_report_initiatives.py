"""Publish the 38 « Exemple d'initiative » of the 2016 état des lieux, so that every
database, fresh or not, has them (see essor/initiatives/report.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from essor.initiatives.report import load_report_initiatives

    load_report_initiatives(apps)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
