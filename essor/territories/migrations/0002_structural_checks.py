"""A commune's centre is a pair: latitude and longitude are both set or both empty.
Added in place (essor.core.constraints): the table keeps its search trigger on SQLite."""

from django.db import migrations, models

from essor.core.constraints import add_check_in_place

PAIR = models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(
    latitude__isnull=False, longitude__isnull=False
)


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [
        add_check_in_place(
            "territories",
            "commune",
            models.CheckConstraint(condition=PAIR, name="commune_latitude_with_longitude"),
            "(NEW.latitude IS NULL) <> (NEW.longitude IS NULL)",
        )
    ]
