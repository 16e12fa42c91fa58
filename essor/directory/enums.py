from django.db import models


class MembershipRole(models.TextChoices):
    """A person's role in an organisation (essor.directory.perms says what each may do)."""

    MEMBER = "member", "Membre"
    ADMIN = "admin", "Administrateur"


class Phase(models.TextChoices):
    """The life phases of a project or a structure, in their natural order: what support
    offers, financing tools and the orientation speak of."""

    IDEA = "idea", "Idée et émergence"
    TEST = "test", "Test de l'activité (couveuse, CAE)"
    CREATION = "creation", "Création et démarrage"
    DEVELOPMENT = "development", "Développement"
    SCALING = "scaling", "Changement d'échelle"
    CONSOLIDATION = "consolidation", "Consolidation"
    DIFFICULTY = "difficulty", "Difficulté et rebond"
    TRANSFER = "transfer", "Transmission et reprise (dont reprise en SCOP)"
    MERGER = "merger", "Rapprochement et fusion"


class EssFamily(models.TextChoices):
    ASSOCIATION = "association", "Association"
    COOPERATIVE = "cooperative", "Coopérative"
    MUTUAL = "mutual", "Mutuelle"
    FOUNDATION = "foundation", "Fondation"
    COMMERCIAL = "commercial", "Société commerciale de l'ESS"


class AdministrativeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Fermée"


class Diffusion(models.TextChoices):
    """SIRENE's statutDiffusion: O public; P partially diffusible (identity and address
    details withheld by INSEE at the person's request)."""

    PUBLIC = "O", "Diffusible"
    PARTIAL = "P", "Partiellement diffusible"


class Source(models.TextChoices):
    SIRENE = "sirene", "SIRENE (INSEE)"
    RNA = "rna", "Répertoire national des associations"
    CSV = "csv", "Liste de la CRESS"
    REPORT = "report", "État des lieux 2016 des CRESS"
    MANUAL = "manual", "Saisie sur ESSor"
    SYNTHETIC = "synthetic", "Données synthétiques de démonstration"


class CoordinatePrecision(models.TextChoices):
    ADDRESS = "address", "Adresse"
    COMMUNE_CENTRE = "commune", "Centre de la commune"
    APPROXIMATE = "approximate", "Approximative"


class LabelKind(models.TextChoices):
    SIAE = "siae", "Insertion par l'activité économique (SIAE)"
    DISABILITY = "disability", "Travail adapté et protégé"
    AGREMENT = "agrement", "Agrément"
    LABEL = "label", "Label"
    NETWORK = "network", "Réseau"
    # A kind of place of the ESS (tiers-lieu, PTCE, recyclerie…): the directory's
    # « Lieux de l'ESS » facet, apart from the labels proper.
    PLACE = "place", "Lieu de l'ESS"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "En attente de validation"
    APPROVED = "approved", "Validée"
    REJECTED = "rejected", "Refusée"
    REVOKED = "revoked", "Annulée après validation"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "À modérer"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Refusée"


class ChangeKind(models.TextChoices):
    EDIT = "edit", "Modification du profil"
    SUGGESTION = "suggestion", "Suggestion acceptée"
    IMPORT = "import", "Import"
    REVERT = "revert", "Annulation"
