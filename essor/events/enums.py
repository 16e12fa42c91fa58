from django.db import models


class EventKind(models.TextChoices):
    MOIS_ESS = "mois_ess", "Mois de l'ESS"
    INFORMATION = "information", "Réunion d'information"
    WORKSHOP = "atelier", "Atelier"
    TRAINING = "formation", "Formation"
    FAIR = "salon", "Salon"
    BUYERS = "acheteurs", "Conférence des acheteurs"
    BUSINESS = "affaires", "Rendez-vous d'affaires"


class Audience(models.TextChoices):
    EVERYONE = "tous", "Tout public"
    CREATORS = "createurs", "Porteurs de projet"
    ORGANISATIONS = "structures", "Structures de l'ESS"
    PROFESSIONALS = "professionnels", "Professionnels uniquement"
    BUYERS = "acheteurs", "Acheteurs publics et privés"
    ELECTED = "elus", "Élus et collectivités"


class Theme(models.TextChoices):
    CREATION = "creation", "Création d'activité"
    EMPLOYMENT = "emploi", "Emploi et insertion"
    FINANCING = "financement", "Financement"
    PURCHASING = "achats", "Achats responsables"
    COOPERATION = "cooperation", "Coopération"
    ECOLOGY = "transition", "Transition écologique"
    GOVERNANCE = "gouvernance", "Gouvernance et vie associative"
    TERRITORY = "territoire", "Développement territorial"
    DIGITAL = "numerique", "Numérique"


class Status(models.TextChoices):
    PENDING = "pending", "En attente de modération"
    PUBLISHED = "published", "Publié"
    REJECTED = "rejected", "Refusé"
    CANCELLED = "cancelled", "Annulé"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Inscrit"
    WAITING = "waiting", "Liste d'attente"
    CANCELLED = "cancelled", "Désinscrit"


class ParticipantKind(models.TextChoices):
    ESS = "ess", "Structure de l'ESS"
    COMPANY = "entreprise", "Entreprise classique"
    BUYER = "acheteur", "Acheteur"


class MeetingsState(models.TextChoices):
    OPEN = "open", "Demandes ouvertes"
    CLOSED = "closed", "Demandes closes"
    SCHEDULING = "scheduling", "Planification en cours"
    SCHEDULED = "scheduled", "Planning proposé"
    PUBLISHED = "published", "Planning confirmé"


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposé"
    CONFIRMED = "confirmed", "Confirmé"
    CANCELLED = "cancelled", "Annulé"


class Outcome(models.TextChoices):
    NOTHING = "rien", "Rien"
    FOLLOW_UP = "suite", "Échange à poursuivre"
    QUOTE = "devis", "Devis"
    PARTNERSHIP = "partenariat", "Partenariat"
    CONTRACT = "contrat", "Contrat"
