"""The shipped tree of purchase categories (essor/purchasing/data/categories.json)."""

from django.db import migrations


def create_categories(apps, schema_editor):
    from essor.purchasing.categories import sync_categories

    sync_categories(apps.get_model("purchasing", "PurchaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("purchasing", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
