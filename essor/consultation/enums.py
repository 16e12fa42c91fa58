from django.db import models


class Axis(models.TextChoices):
    """The three axes of the 2016 état des lieux."""

    ENTREPRENDRE = "entreprendre", "Entreprendre"
    COOPERER = "cooperer", "Coopérer"
    INNOVER = "innover", "Innover"


class Access(models.TextChoices):
    OPEN = "open", "Ouverte à tous"
    MEMBERS = "members", "Réservée aux membres des structures de l'ESS"


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    PUBLISHED = "published", "Publiée"


class PhaseKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    QUESTIONNAIRE = "questionnaire", "Questionnaire"
    PROPOSALS = "fiches", "Fiches actions"
    WORKSHOPS = "ateliers", "Ateliers"
    RESTITUTION = "restitution", "Restitution"
    FOLLOW_UP = "suivi", "Suivi"


class ActionStatus(models.TextChoices):
    TO_START = "a_lancer", "À lancer"
    ONGOING = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    ABANDONED = "abandonnee", "Abandonnée"


class LinkKind(models.TextChoices):
    """What on the platform carries an action out. The first four are kinds of the
    platform search (essor/search/registry.py), the indicators are observatory pages."""

    INITIATIVE = "initiatives", "Initiative"
    FINANCING = "financements", "Outil de financement"
    SUPPORT = "offres", "Offre d'accompagnement"
    EVENT = "evenements", "Événement"
    INDICATOR = "indicateur", "Indicateur de l'observatoire"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Choix unique"
    MULTIPLE = "multiple", "Choix multiple"
    SCALE = "scale", "Échelle"
    NUMBER = "number", "Nombre"
    SHORT_TEXT = "short_text", "Texte court"
    LONG_TEXT = "long_text", "Texte long"
    COMMUNE = "commune", "Commune"
    ORGANISATION = "organisation", "Structure"


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


class OnePer(models.TextChoices):
    ACCOUNT = "account", "Une réponse par compte"
    ORGANISATION = "organisation", "Une réponse par structure"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Envoyée"


class Breakdown(models.TextChoices):
    """How results are crossed: by the respondent's organisation."""

    FAMILY = "famille", "Famille de l'ESS"
    SECTOR = "secteur", "Secteur"
    DEPARTEMENT = "departement", "Département"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "En attente de modération"
    PUBLISHED = "published", "Publiée"
    HIDDEN = "hidden", "Masquée par la modération"
    ACCEPTED = "accepted", "Retenue : devenue une action"
    MERGED = "merged", "Fusionnée"
    DECLINED = "declined", "Non retenue"


# What the public sees: the proposals that passed moderation, answered or not.
VISIBLE_PROPOSAL_STATUSES = {
    ProposalStatus.PUBLISHED,
    ProposalStatus.ACCEPTED,
    ProposalStatus.MERGED,
    ProposalStatus.DECLINED,
}


class ProposalTransitionName(models.TextChoices):
    PUBLISH = "publish", "Publier"
    HIDE = "hide", "Masquer"
    ACCEPT = "accept", "Retenir (devient une action)"
    MERGE = "merge", "Fusionner avec une autre fiche"
    DECLINE = "decline", "Ne pas retenir"


class ReportReason(models.TextChoices):
    ABUSE = "abuse", "Propos injurieux ou discriminatoires"
    SPAM = "spam", "Publicité ou hors sujet"
    PERSONAL = "personal", "Données personnelles"
    OTHER = "other", "Autre"
