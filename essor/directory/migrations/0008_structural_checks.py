"""An establishment's position is a pair: latitude and longitude are both set or both empty.
Added in place (essor.core.constraints): the table keeps its search triggers on SQLite."""

from django.db import migrations, models

from essor.core.constraints import add_check_in_place

PAIR = models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(
    latitude__isnull=False, longitude__isnull=False
)


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_importrun_moved_to_core")]

    operations = [
        add_check_in_place(
            "directory",
            "establishment",
            models.CheckConstraint(condition=PAIR, name="establishment_latitude_with_longitude"),
            "(NEW.latitude IS NULL) <> (NEW.longitude IS NULL)",
        )
    ]
