from django.db import models


class EpciKind(models.TextChoices):
    METROPOLE = "METRO", "Métropole"
    COMMUNAUTE_URBAINE = "CU", "Communauté urbaine"
    COMMUNAUTE_AGGLOMERATION = "CA", "Communauté d'agglomération"
    COMMUNAUTE_COMMUNES = "CC", "Communauté de communes"


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    # Paris, Lyon and Marseille's arrondissements have their own INSEE codes (75108...),
    # which SIRENE uses for establishments.
    ARRONDISSEMENT = "arrondissement", "Arrondissement municipal"


class CoordinatePrecision(models.TextChoices):
    COMMUNE_CENTRE = "commune", "Centre de la commune"
    APPROXIMATE = "approximate", "Approximative (centre de l'intercommunalité)"
    UNKNOWN = "unknown", "Inconnue"
