from django.db import models
from django.urls import reverse


class Organisation(models.Model):
    """A legal unit of the ESS (unité légale). The directory issue completes it."""

    name = models.CharField("nom", max_length=255)
    siren = models.CharField("SIREN", max_length=9, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation", args=[self.pk])
