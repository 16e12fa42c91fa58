"""Load the 2016 état des lieux as a process with every « piste d'action » of the report,
so that every database, fresh or not, has them (see essor/consultation/report.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from essor.consultation.report import load_report_process

    load_report_process(apps)


class Migration(migrations.Migration):
    dependencies = [("consultation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
