from django.db import models


class Direction(models.TextChoices):
    OFFER = "offre", "Offre"
    NEED = "besoin", "Besoin"


class Kind(models.TextChoices):
    PREMISES = "locaux", "Locaux"
    EQUIPMENT = "materiel", "Matériel"
    SKILLS = "competences", "Compétences"
    MENTORING = "mentorat", "Mentorat"
    SHARED_JOB = "emploi-partage", "Emploi partagé"
    PURCHASE = "achat-groupe", "Achat groupé"
    PARTNERS = "partenaires", "Recherche de partenaires"


class Status(models.TextChoices):
    PENDING = "pending", "en attente de relecture"
    REJECTED = "rejected", "refusée"
    OPEN = "open", "ouverte"
    DISCUSSION = "discussion", "en discussion"
    CONCLUDED = "concluded", "conclue"
    EXPIRED = "expired", "expirée"


# Seen by everyone; the others only by the organisation's members and the CRESS.
PUBLIC_STATUSES = (Status.OPEN, Status.DISCUSSION, Status.CONCLUDED, Status.EXPIRED)
# Open to matching and to new messages.
ACTIVE_STATUSES = (Status.OPEN, Status.DISCUSSION)


class Weekday(models.TextChoices):
    MON = "lun", "lundi"
    TUE = "mar", "mardi"
    WED = "mer", "mercredi"
    THU = "jeu", "jeudi"
    FRI = "ven", "vendredi"
    SAT = "sam", "samedi"
    SUN = "dim", "dimanche"


class HalfDay(models.TextChoices):
    MORNING = "matin", "matin"
    AFTERNOON = "apres-midi", "après-midi"
    DAY = "journee", "journée entière"
