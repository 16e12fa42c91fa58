from django.db import models


class TrainingAudience(models.TextChoices):
    """Who a training is for."""

    PROJECT_CREATORS = "porteurs", "Porteurs de projet"
    LEADERS = "dirigeants", "Dirigeants"
    VOLUNTEERS = "benevoles", "Bénévoles"
    EMPLOYEES = "salaries", "Salariés"
    ELECTED_AND_STAFF = "elus_techniciens", "Élus et techniciens"


class TrainingFormat(models.TextChoices):
    ON_SITE = "presentiel", "En présentiel"
    REMOTE = "distanciel", "À distance"
    BLENDED = "mixte", "Mixte (présentiel et distance)"


class StudyKind(models.TextChoices):
    """What a document of the library is."""

    STUDY = "etude", "Étude"
    REPORT = "rapport", "Rapport"
    SURVEY = "etat_des_lieux", "État des lieux"
    EVALUATION = "evaluation", "Évaluation"
    EXTERNAL_GUIDE = "guide_externe", "Guide externe"


class StudyTheme(models.TextChoices):
    """The themes of the library: the three axes of the 2016 état des lieux, then the
    subjects its pistes return to."""

    ENTREPRENEURSHIP = "entreprendre", "Entreprendre"
    COOPERATION = "cooperer", "Coopérer"
    INNOVATION = "innover", "Innover"
    FINANCING = "financement", "Financement"
    EMPLOYMENT = "emploi", "Emploi et compétences"
    PUBLIC_PURCHASING = "commande_publique", "Commande publique"
    PUBLIC_POLICY = "politiques_publiques", "Politiques publiques"
    OBSERVATION = "observation", "Observation de l'ESS"


class PublicationStatus(models.TextChoices):
    """The life of what members publish in the resource centre (see workflow.py)."""

    PENDING = "pending", "En relecture"
    PUBLISHED = "published", "Publiée"
    REJECTED = "rejected", "Refusée"
    ARCHIVED = "archived", "Archivée"


class PdfStatus(models.TextChoices):
    PENDING = "pending", "En préparation"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


class GuideVersionStatus(models.TextChoices):
    """The life of one version of a guide written on the portal (workflow.GUIDE_VERSIONS)."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumise à la CRESS"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    REFUSED = "refused", "Refusée"
    PUBLISHED = "published", "Publiée"
    SUPERSEDED = "superseded", "Remplacée"


class GuideLinkKind(models.TextChoices):
    """What a guide written on the portal links to on the platform."""

    OFFER = "offer", "Offres d'accompagnement"
    TOOL = "tool", "Outils de financement"
    LEGAL_FORM = "legal_form", "Formes juridiques"
    INITIATIVE = "initiative", "Initiatives"
