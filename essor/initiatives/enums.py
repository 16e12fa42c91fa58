from django.db import models


class Axis(models.TextChoices):
    """The three axes of the 2016 état des lieux."""

    ENTREPRENDRE = "entreprendre", "Entreprendre"
    COOPERER = "cooperer", "Coopérer"
    INNOVER = "innover", "Innover"


class Theme(models.TextChoices):
    """The report's own sub-sections, grouped by axis in THEMES_BY_AXIS."""

    RESOURCES = "ressources", "Accès aux ressources et à l'information"
    SKILLS = "competences", "Compétences techniques et de gouvernance"
    FINANCING = "financements", "Financements"
    COMMON_CULTURE = "culture_commune", "Culture commune"
    TERRITORIAL = "cooperation_territoriale", "Coopération territoriale"
    CLASSIC_COMPANIES = "entreprises_classiques", "ESS et entreprises classiques"
    BETWEEN_ACTORS = "cooperation_acteurs", "Coopération entre acteurs"
    INTERNAL_GOVERNANCE = "gouvernance", "Coopération interne et gouvernance"
    LOCAL_AUTHORITIES = "collectivites", "Collectivités et ESS"
    RECOGNITION = "reconnaissance_is", "Reconnaissance de l'innovation sociale"
    INNOVATION_SUPPORT = (
        "accompagnement_innovation",
        "Accompagnement et financement de l'innovation",
    )
    UPSKILLING = "montee_competences", "Montée en compétences"
    PUBLIC_POLICY = "politique_publique", "Politique publique"
    TERRITORIAL_EQUITY = "equite_territoriale", "Équité et maillage territorial"


THEMES_BY_AXIS = {
    Axis.ENTREPRENDRE: [Theme.RESOURCES, Theme.SKILLS, Theme.FINANCING, Theme.COMMON_CULTURE],
    Axis.COOPERER: [
        Theme.TERRITORIAL,
        Theme.CLASSIC_COMPANIES,
        Theme.BETWEEN_ACTORS,
        Theme.INTERNAL_GOVERNANCE,
        Theme.LOCAL_AUTHORITIES,
    ],
    Axis.INNOVER: [
        Theme.RECOGNITION,
        Theme.INNOVATION_SUPPORT,
        Theme.UPSKILLING,
        Theme.PUBLIC_POLICY,
        Theme.TERRITORIAL_EQUITY,
    ],
}


class Stage(models.TextChoices):
    EMERGENCE = "emergence", "Émergence"
    EXPERIMENTATION = "experimentation", "Expérimentation"
    DIFFUSION = "diffusion", "Diffusion et essaimage"
    EVALUATION = "evaluation", "Évaluation"


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "En attente de modération"
    PUBLISHED = "published", "Publiée"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    REJECTED = "rejected", "Refusée"
    UNPUBLISHED = "unpublished", "Dépubliée"


class Transition(models.TextChoices):
    # Steps a person takes, governed by essor.initiatives.workflow.TRANSITIONS...
    SUBMIT = "submit", "Soumettre à la CRESS"
    APPROVE = "approve", "Publier"
    REQUEST_CHANGES = "request_changes", "Demander des modifications"
    REJECT = "reject", "Refuser"
    UNPUBLISH = "unpublish", "Dépublier"
    # ...and events that only enter the history.
    CREATE = "create", "Création"
    EDIT = "edit", "Modification"
    IMPORT = "import", "Publication d'un exemple de l'état des lieux"


class CarrierRole(models.TextChoices):
    CARRIER = "carrier", "Porteuse"
    PARTNER = "partner", "Partenaire"


class InitiativeSource(models.TextChoices):
    REPORT = "report", "État des lieux 2016 des CRESS"
    CONTRIBUTED = "contributed", "Contribution d'une structure"


class ReportReason(models.TextChoices):
    INAPPROPRIATE = "inappropriate", "Contenu inapproprié ou offensant"
    INACCURATE = "inaccurate", "Information fausse ou périmée"
    PERSONAL_DATA = "personal_data", "Données personnelles exposées"
    SPAM = "spam", "Publicité ou spam"
    OTHER = "other", "Autre raison"


class ReportStatus(models.TextChoices):
    OPEN = "open", "À traiter"
    DISMISSED = "dismissed", "Classé sans suite"
    ACTIONED = "actioned", "Initiative dépubliée"
