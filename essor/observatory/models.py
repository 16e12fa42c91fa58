"""Precomputed indicators. Pages, exports and the API read these tables only; they are
rebuilt as a whole by refresh.refresh_indicators(), never per request.

A masked cell stores no figure at all (NULL), so that no reader can leak it by
mistake: secrecy is decided once, at refresh time."""

from django.db import models

from .enums import Breakdown, Secrecy, TerritoryLevel

SECRET_LABEL = "secret statistique"  # noqa: S105 - not a password


class IndicatorCell(models.Model):
    """The stock of active ESS establishments of one territory, for one category of one
    breakdown (the "total" breakdown has a single, empty category)."""

    level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    code = models.CharField("code du territoire", max_length=9)
    breakdown = models.CharField("ventilation", max_length=15, choices=Breakdown.choices)
    # "" (total), an EssFamily, an ESS sector, a headcount band, or "family:sector".
    category = models.CharField("catégorie", max_length=60, blank=True)
    establishments = models.PositiveIntegerField("établissements", null=True)
    employer_establishments = models.PositiveIntegerField("établissements employeurs", null=True)
    employees = models.FloatField("salariés (estimation)", null=True)
    secrecy = models.CharField(
        "secret statistique", max_length=10, choices=Secrecy.choices, blank=True
    )
    has_synthetic = models.BooleanField("compte des établissements de démonstration", default=False)

    class Meta:
        verbose_name = "indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "breakdown", "category"], name="unique_indicator_cell"
            )
        ]
        # The maps read one breakdown of many territories of a level.
        indexes = [models.Index(fields=["level", "breakdown", "category"])]

    def __str__(self):
        return f"{self.level} {self.code} {self.breakdown} {self.category}".strip()

    @property
    def is_secret(self):
        return bool(self.secrecy)


class FlowCell(models.Model):
    """Creations and closures of ESS establishments in a year (month 0) or a month."""

    level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    code = models.CharField("code du territoire", max_length=9)
    breakdown = models.CharField("ventilation", max_length=15, choices=Breakdown.choices)
    category = models.CharField("catégorie", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("année")
    month = models.PositiveSmallIntegerField("mois (0 : l'année entière)", default=0)
    creations = models.PositiveIntegerField("créations", null=True)
    closures = models.PositiveIntegerField("fermetures", null=True)
    creations_secrecy = models.CharField(
        "secret des créations", max_length=10, choices=Secrecy.choices, blank=True
    )
    closures_secrecy = models.CharField(
        "secret des fermetures", max_length=10, choices=Secrecy.choices, blank=True
    )

    class Meta:
        verbose_name = "créations et fermetures"
        verbose_name_plural = "créations et fermetures"
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "breakdown", "category", "year", "month"],
                name="unique_flow_cell",
            )
        ]

    def __str__(self):
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{self.level} {self.code} {self.breakdown} {self.category} {period}"

    @property
    def balance(self):
        """Creations minus closures; secret when either is (it would reveal the other)."""
        if self.creations is None or self.closures is None:
            return None
        return self.creations - self.closures


class TerritoryCentroid(models.Model):
    """Where a territory's proportional symbol goes: the mean position of its communes.
    `region` is the région most of its communes belong to (an EPCI may straddle two)."""

    level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    code = models.CharField("code du territoire", max_length=9)
    region = models.CharField("région", max_length=3)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = "centre de territoire"
        verbose_name_plural = "centres de territoires"
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="unique_territory_centroid")
        ]
        indexes = [models.Index(fields=["level", "region"])]

    def __str__(self):
        return f"{self.level} {self.code}"


class IndicatorRefresh(models.Model):
    """One completed refresh: what the pages say about the freshness of the figures."""

    started_at = models.DateTimeField("commencé le")
    finished_at = models.DateTimeField("terminé le")
    duration = models.FloatField("durée (secondes)")
    establishments = models.PositiveIntegerField("établissements actifs comptés")
    synthetic_establishments = models.PositiveIntegerField(
        "dont établissements de démonstration", default=0
    )
    cells = models.PositiveIntegerField("cases d'indicateurs")
    flow_cells = models.PositiveIntegerField("cases de créations et fermetures")
    secret_cells = models.PositiveIntegerField("cases masquées (secret primaire et secondaire)")

    class Meta:
        verbose_name = "calcul des indicateurs"
        verbose_name_plural = "calculs des indicateurs"
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"Calcul du {self.finished_at:%d/%m/%Y %H:%M}"


class ReferenceEmployment(models.Model):
    """Total salaried employment of a territory (all sectors, from a statistical source
    such as INSEE Flores), imported by `essor import_reference_employment`: the
    denominator of the ESS share of employment."""

    level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    code = models.CharField("code du territoire", max_length=9)
    year = models.PositiveSmallIntegerField("année")
    employees = models.PositiveIntegerField("emplois salariés (tous secteurs)")
    source = models.CharField("source", max_length=200, blank=True)
    imported_at = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "emploi salarié de référence"
        verbose_name_plural = "emploi salarié de référence"
        ordering = ["level", "code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "year"], name="unique_reference_employment"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.code} ({self.year}) : {self.employees}"
