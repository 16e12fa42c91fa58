from django.db import models


class TerritoryLevel(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune"


class Breakdown(models.TextChoices):
    TOTAL = "total", "Ensemble"
    FAMILY = "family", "Famille de l'ESS"
    SECTOR = "sector", "Secteur d'activité"
    SIZE = "size", "Tranche d'effectif"
    FAMILY_SECTOR = "family_sector", "Famille et secteur"


class Secrecy(models.TextChoices):
    """Why a cell is masked. Kept for the CRESS team; the public only reads "secret
    statistique", since the reason itself says something about the establishments."""

    PUBLISHED = "", "Publiée"
    FREQUENCY = "frequency", "Moins de 3 établissements"
    DOMINANCE = "dominance", "Un établissement a plus de 85 % des salariés"
    SECONDARY = "secondary", "Secret secondaire (protège une autre case)"
