from django.db import models


class DemoDataset(models.Model):
    """A set of demo content loaded into this instance. While one exists, every page
    carries the demo banner."""

    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    loaded_at = models.DateTimeField("chargé le", auto_now=True)

    class Meta:
        verbose_name = "jeu de démonstration"
        verbose_name_plural = "jeux de démonstration"

    def __str__(self):
        return self.name
