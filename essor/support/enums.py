from django.db import models


class HelpKind(models.TextChoices):
    """What an offer does for the person, from the first information to expertise."""

    FIRST_INFO = "first_info", "Première information et orientation"
    TRAINING = "training", "Formation"
    INDIVIDUAL = "individual", "Accompagnement individuel"
    COLLECTIVE = "collective", "Accompagnement collectif"
    LEGAL = "legal", "Expertise juridique"
    FINANCIAL = "financial", "Expertise financière"
    HR = "hr", "Expertise ressources humaines"
    DIGITAL = "digital", "Expertise numérique"
    COMMERCIAL = "commercial", "Expertise commerciale"
    FUNDING = "funding", "Financement"
    HOSTING = "hosting", "Hébergement"
    INCUBATION = "incubation", "Incubation ou couveuse"
    NETWORKING = "networking", "Mise en réseau"
    CAE = "cae", "Portage en coopérative d'activité et d'emploi (CAE)"


class SupportAudience(models.TextChoices):
    """Who a support offer serves."""

    INDIVIDUAL = "individual", "Personne seule"
    CITIZENS = "citizens", "Collectif de citoyens"
    ASSOCIATION = "association", "Association"
    COOPERATIVE = "cooperative", "Coopérative"
    ESS_COMPANY = "ess_company", "Entreprise de l'ESS"
    CLASSIC_COMPANY = "classic_company", "Entreprise classique"
    LOCAL_AUTHORITY = "local_authority", "Collectivité"
    BUYER = "buyer", "Acheteur public ou privé"
    YOUNG = "young", "Jeunes, élèves et étudiants"


class SupportLegalForm(models.TextChoices):
    """The legal forms a support offer specialises in."""

    ASSOCIATION = "association", "Association"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    CAE = "cae", "Coopérative d'activité et d'emploi (CAE)"
    COOPERATIVE = "cooperative", "Autre coopérative"
    EMPLOYER_GROUP = "employer_group", "Groupement d'employeurs"
    MUTUAL = "mutual", "Mutuelle"
    FOUNDATION = "foundation", "Fondation ou fonds de dotation"
    ESUS_COMPANY = "esus_company", "Société commerciale de l'ESS (ESUS)"


class Cost(models.TextChoices):
    FREE = "free", "Gratuit"
    PAID = "paid", "Payant"
    QUOTE = "quote", "Sur devis"
    COVERED = "covered", "Pris en charge par un financeur"


class Format(models.TextChoices):
    IN_PERSON = "in_person", "Présentiel"
    REMOTE = "remote", "À distance"
    BOTH = "both", "Présentiel et à distance"


class ProviderKind(models.TextChoices):
    """The kind of support actor, as a person recognises it ("un DLA", "une CAE")."""

    CRESS = "cress", "CRESS"
    DLA = "dla", "Dispositif local d'accompagnement (DLA)"
    BGE = "bge", "BGE (réseau d'appui aux entrepreneurs)"
    URSCOP = "urscop", "Union régionale des SCOP (URSCOP)"
    SOLIDARITY_FINANCE = "solidarity_finance", "Financeur solidaire (France Active…)"
    CAE = "cae", "Coopérative d'activité et d'emploi (CAE)"
    INCUBATOR = "incubator", "Incubateur ou fabrique à initiatives"
    INNOVATION_AGENCY = "innovation_agency", "Agence d'innovation"
    NETWORK = "network", "Réseau ou fédération de l'ESS"
    LOCAL_HUB = "local_hub", "Pôle ou collectif territorial"
    RESOURCE_CENTRE = "resource_centre", "Centre de ressources"
    TRAINING_BODY = "training_body", "Organisme de formation"
    PUBLIC_BODY = "public_body", "Collectivité ou service public"
    OTHER = "other", "Autre acteur"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "À modérer"
    PUBLISHED = "published", "Publiée"
    REJECTED = "rejected", "Refusée"
    ARCHIVED = "archived", "Archivée"


class Persona(models.TextChoices):
    """Who is asking: the personas of the 2016 report. The first four carry a project
    still to create; the others come with what they already are."""

    CREATOR = "creator", "Je porte un projet de création"
    JOBSEEKER = "jobseeker", "Je cherche un emploi et veux tester une activité"
    STUDENT = "student", "Je suis étudiant·e ou jeune"
    STRUCTURE = "structure", "Je dirige ou fais vivre une structure de l'ESS qui existe déjà"
    VOLUNTEER = "volunteer", "Je suis bénévole ou dirigeant·e d'une association"
    BUYER = "buyer", "J'achète pour une organisation (acheteur public ou privé)"
    LOCAL_AUTHORITY = "local_authority", "Je représente une collectivité (élu·e ou agent)"
    COMPANY = "company", "Je dirige une entreprise classique qui veut coopérer avec l'ESS"


# The personas with a project to create, and those who speak for an existing organisation.
CREATOR_PERSONAS = {Persona.CREATOR, Persona.JOBSEEKER, Persona.STUDENT}
ORGANISATION_PERSONAS = {Persona.STRUCTURE, Persona.VOLUNTEER, Persona.COMPANY}


class ProjectKind(models.TextChoices):
    """The assistant's "projet individuel ou collectif" question."""

    INDIVIDUAL = "individual", "Un projet individuel"
    COLLECTIVE = "collective", "Un projet collectif (plusieurs personnes, des habitants…)"
    ORGANISATION = "organisation", "Une structure qui existe déjà"


class SupportRequestStatus(models.TextChoices):
    """Where a person's request to a support actor stands (workflow.REQUESTS)."""

    NEW = "new", "Nouvelle"
    IN_PROGRESS = "in_progress", "Prise en charge"
    REDIRECTED = "redirected", "Réorientée"
    CLOSED = "closed", "Close"


class ParcoursStatus(models.TextChoices):
    PENDING = "pending", "PDF en préparation"
    READY = "ready", "PDF prêt"
    FAILED = "failed", "Échec de la préparation du PDF"
