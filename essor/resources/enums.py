from django.db import models


class TrainingAudience(models.TextChoices):
    """Who a training is for."""

    PROJECT_CREATORS = "porteurs", "Porteurs de projet"
    LEADERS = "dirigeants", "Dirigeants"
    VOLUNTEERS = "benevoles", "Bénévoles"
    ELECTED_AND_STAFF = "elus_techniciens", "Élus et techniciens"


class TrainingFormat(models.TextChoices):
    ON_SITE = "presentiel", "En présentiel"
    REMOTE = "distanciel", "À distance"
    BLENDED = "mixte", "Mixte (présentiel et distance)"
