from django.conf import settings
from django.db import models

from essor.core.reversing import reverse_one
from essor.core.text import fold

from .enums import CommuneKind, CoordinatePrecision, EpciKind


class TerritoryQuerySet(models.QuerySet):
    def search(self, query):
        """Accent- and case-insensitive match on the name, best matches first."""
        folded = fold(query)
        if not folded:
            return self.none()
        return self.filter(search_name__contains=folded).order_by(
            models.Case(
                models.When(search_name=folded, then=0),
                models.When(search_name__startswith=folded, then=1),
                default=2,
            ),
            "search_name",
        )


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, editable=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse_one("territories:departement", self.code)


class Epci(models.Model):
    """An intercommunalité with its own taxation, identified by its SIREN."""

    code = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    kind = models.CharField("nature", max_length=5, choices=EpciKind.choices)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("territories:epci", self.code)


class CommuneQuerySet(TerritoryQuerySet):
    def search(self, query):
        """A name (accents and case ignored), a postal code or an INSEE code: the communes
        of the served region first (« Guér » is Guéret before Guer and Guérande), then the
        closest names, then the most populated."""
        query = query.strip()
        served_first = models.Case(models.When(region_id=settings.ESSOR_REGION, then=0), default=1)
        if query.isdigit() or (len(query) == 5 and query[:2] in {"2A", "2B"}):
            if len(query) == 5:
                return self.filter(
                    models.Q(code=query) | models.Q(postal_codes_text__contains=query)
                ).order_by(served_first, "-population", "name")
            return self.filter(postal_codes_text__contains=f" {query}").order_by(
                served_first, "-population", "name"
            )
        return (
            super()
            .search(query)
            .order_by(
                served_first,
                models.Case(
                    models.When(search_name=fold(query), then=0),
                    models.When(search_name__startswith=fold(query), then=1),
                    default=2,
                ),
                models.F("population").desc(nulls_last=True),
                "search_name",
            )
        )


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    kind = models.CharField("type", max_length=15, choices=CommuneKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name="commune de rattachement",
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    postal_codes = models.JSONField("codes postaux", default=list)
    # " 87000 87100 " — lets a postal-code lookup be a plain, portable LIKE.
    postal_codes_text = models.CharField(max_length=200, editable=False, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinate_precision = models.CharField(
        "précision des coordonnées",
        max_length=12,
        choices=CoordinatePrecision.choices,
        default=CoordinatePrecision.UNKNOWN,
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        constraints = [
            # A position is a pair: never one coordinate without the other.
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="commune_latitude_with_longitude",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    def get_absolute_url(self):
        return reverse_one("territories:commune", self.code)

    @property
    def label(self):
        """The text the commune picker shows and reads back: "Limoges (87085)"."""
        return f"{self.name} ({self.code})"
