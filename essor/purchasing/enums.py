from django.db import models


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon (non visible)"
    PUBLISHED = "published", "Publiée"


class SupplierKind(models.TextChoices):
    """The kinds of ESS supplier a buyer filters on; a supplier may be several."""

    SIAE = "siae", "Insertion par l'activité économique (SIAE)"
    EA_ESAT = "ea_esat", "Entreprise adaptée ou ESAT"
    SCOP_SCIC = "scop_scic", "SCOP ou SCIC"
    ESUS = "esus", "Entreprise solidaire d'utilité sociale (ESUS)"
    ASSOCIATION = "association", "Association"


class HeadcountBand(models.TextChoices):
    UNKNOWN = "", "Non précisé"
    UNDER_10 = "0-9", "Moins de 10 salariés"
    TEN_49 = "10-49", "10 à 49 salariés"
    FIFTY_249 = "50-249", "50 à 249 salariés"
    OVER_250 = "250+", "250 salariés et plus"


class TurnoverBand(models.TextChoices):
    UNKNOWN = "", "Non précisé"
    UNDER_100K = "<100k", "Moins de 100 000 €"
    TO_500K = "100k-500k", "100 000 à 500 000 €"
    TO_2M = "500k-2m", "500 000 € à 2 M€"
    TO_10M = "2m-10m", "2 à 10 M€"
    OVER_10M = "10m+", "Plus de 10 M€"


class NeedStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PENDING = "pending", "En attente de modération"
    REJECTED = "rejected", "À revoir (refusé par la CRESS)"
    PUBLISHED = "published", "Publié, envoyé aux fournisseurs"
    CLOSED = "closed", "Clos"


class NeedTransitionName(models.TextChoices):
    SUBMIT = "submit", "Soumettre à la CRESS"
    APPROVE = "approve", "Publier et envoyer aux fournisseurs"
    REJECT = "reject", "Refuser"
    CLOSE = "close", "Clore le besoin"


class NeedEvent(models.TextChoices):
    CREATE = "create", "Création"
    EDIT = "edit", "Modification"
    NOTIFY = "notify", "Envoi aux fournisseurs"
    ANSWER = "answer", "Réponse d'un fournisseur"
    DECISION = "decision", "Décision sur une réponse"


class NeedKind(models.TextChoices):
    QUOTE = "quote", "Demande de devis"
    CONSULTATION = "consultation", "Consultation"
    PUBLIC_CONTRACT = "public_contract", "Marché public"


class BudgetBand(models.TextChoices):
    UNKNOWN = "", "Non précisé"
    UNDER_10K = "<10k", "Moins de 10 000 € HT"
    TO_40K = "10k-40k", "10 000 à 40 000 € HT"
    TO_100K = "40k-100k", "40 000 à 100 000 € HT"
    TO_250K = "100k-250k", "100 000 à 250 000 € HT"
    OVER_250K = "250k+", "Plus de 250 000 € HT"


class Reserved(models.TextChoices):
    NO = "", "Non réservé"
    DISABILITY = "disability", "Réservé EA / ESAT (art. L2113-12)"
    INSERTION = "insertion", "Réservé SIAE (art. L2113-13)"
    ESS = "ess", "Réservé ESS, services sociaux et spécifiques (art. L2113-15)"


class Outcome(models.TextChoices):
    ESS_SUPPLIER = "ess_supplier", "Attribué à un fournisseur trouvé sur ESSor"
    OTHER_SUPPLIER = "other_supplier", "Attribué à un autre fournisseur"
    ABANDONED = "abandoned", "Sans suite"


class AnswerDecision(models.TextChoices):
    PENDING = "", "En attente"
    RETAINED = "retained", "Retenu"
    NOT_RETAINED = "not_retained", "Non retenu"


class MemberStatus(models.TextChoices):
    INVITED = "invited", "Invité"
    ACCEPTED = "accepted", "A accepté"
    DECLINED = "declined", "A décliné"


class DocumentKind(models.TextChoices):
    BROCHURE = "brochure", "Plaquette de présentation"
    CERTIFICATE = "certificate", "Certificat de label ou de certification"
    ATTESTATION = "attestation", "Attestation (assurance, URSSAF, Kbis, agrément…)"
    REFERENCE = "reference", "Référence ou réalisation"
    OTHER = "other", "Autre document"


class DocumentVisibility(models.TextChoices):
    """Who sees a supplier's document once its profile is published (its members and
    the CRESS always do). A brochure is for everyone; an attestation carries details a
    supplier shows to buyers, not to the whole web."""

    PUBLIC = "public", "Tout le monde"
    BUYERS = "buyers", "Les acheteurs connectés seulement"
