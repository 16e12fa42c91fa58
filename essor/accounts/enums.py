from django.db import models


class PlatformRole(models.TextChoices):
    """What a person does on the platform, beyond their organisations' memberships."""

    NONE = "", "Porteur de projet ou structure de l'ESS"
    CRESS_STAFF = "cress_staff", "Équipe de la CRESS"
    SUPPORT_ACTOR = "support_actor", "Acteur de l'accompagnement"
    FUNDER = "funder", "Financeur"
    BUYER = "buyer", "Acheteur"
