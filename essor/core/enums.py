from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "En file d'attente"
    RUNNING = "running", "En cours"
    SUCCEEDED = "succeeded", "Terminé"
    REJECTED = "rejected", "Refusé (fichier invalide)"
    FAILED = "failed", "Échec"
