from django.db import models


class Instrument(models.TextChoices):
    GRANT = "grant", "Subvention"
    HONOUR_LOAN = "honour_loan", "Prêt d'honneur"
    LOAN = "loan", "Prêt"
    GUARANTEE = "guarantee", "Garantie"
    REPAYABLE_ADVANCE = "repayable_advance", "Avance remboursable"
    EQUITY = "equity", "Fonds propres et quasi-fonds propres"
    PARTICIPATIVE_SECURITIES = "participative_securities", "Titres participatifs"
    ASSOCIATIVE_SECURITIES = "associative_securities", "Titres associatifs"
    SOLIDARITY_SAVINGS = "solidarity_savings", "Épargne solidaire (CIGALES…)"
    CROWDFUNDING = "crowdfunding", "Financement participatif"
    EU_FUNDS = "eu_funds", "Fonds européens"
    PRIZE = "prize", "Prix"
    SPONSORSHIP = "sponsorship", "Mécénat"


class CallKind(models.TextChoices):
    PERMANENT = "permanent", "Dispositif permanent"
    CALL_FOR_PROJECTS = "aap", "Appel à projets"
    CALL_FOR_INTEREST = "ami", "Appel à manifestation d'intérêt"


class Recurrence(models.TextChoices):
    NONE = "", "Ponctuel"
    YEARLY = "yearly", "Chaque année"


class ToolStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"
    ARCHIVED = "archived", "Archivé"


class Envelope(models.TextChoices):
    OPEN = "open", "Enveloppe disponible"
    EXHAUSTED = "exhausted", "Enveloppe épuisée"
    SUSPENDED = "suspended", "Dispositif suspendu"


class Beneficiary(models.TextChoices):
    """Who may apply: ESS families, cooperative forms and agréments, and people with a
    project not yet incorporated."""

    PROJECT = "project", "Porteur de projet (structure non créée)"
    ASSOCIATION = "association", "Association"
    COOPERATIVE = "cooperative", "Coopérative"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    CAE = "cae", "Coopérative d'activité et d'emploi (CAE)"
    MUTUAL = "mutual", "Mutuelle"
    FOUNDATION = "foundation", "Fondation ou fonds de dotation"
    ESUS = "esus", "Entreprise agréée ESUS"
    COMMERCIAL = "commercial", "Société commerciale de l'ESS"
    SIAE = "siae", "Structure d'insertion (SIAE)"
    EA = "ea", "Entreprise adaptée ou ESAT"


class Need(models.TextChoices):
    OPERATING = "operating", "Fonctionnement"
    INVESTMENT = "investment", "Investissement"
    WORKING_CAPITAL = "working_capital", "Besoin en fonds de roulement"
    EQUITY = "equity", "Fonds propres"


class ApplyMode(models.TextChoices):
    DOSSIER = "dossier", "Par le dossier unique d'ESSor"
    EXTERNAL = "external", "Sur le site du financeur"


class DossierStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposé"


class BudgetScope(models.TextChoices):
    STRUCTURE = "structure", "Budget prévisionnel de la structure"
    PROJECT = "project", "Budget prévisionnel du projet"


class LineStatus(models.TextChoices):
    PLANNED = "planned", "Prévu"
    ASKED = "asked", "Demandé"
    GRANTED = "granted", "Accordé"
    REFUSED = "refused", "Refusé"
    TO_FIND = "to_find", "À trouver"


class FundingRequestStatus(models.TextChoices):
    """Where a funder's instruction of a request stands (workflow.INSTRUCTION)."""

    RECEIVED = "received", "Reçue"
    ADMISSIBLE = "admissible", "Recevable"
    INADMISSIBLE = "inadmissible", "Irrecevable"
    INSTRUCTING = "instructing", "En instruction"
    COMPLEMENT_REQUESTED = "complement", "Complément demandé"
    GRANTED = "granted", "Accordée"
    PARTIALLY_GRANTED = "partial", "Accordée partiellement"
    REFUSED = "refused", "Refusée"
    NO_FOLLOW_UP = "no_follow_up", "Sans suite"
    AGREEMENT_SIGNED = "signed", "Convention signée"
    PAID = "paid", "Versée"


class Transition(models.TextChoices):
    DECLARE_ADMISSIBLE = "admissible", "Déclarer recevable"
    DECLARE_INADMISSIBLE = "inadmissible", "Déclarer irrecevable"
    START_INSTRUCTION = "instruct", "Mettre en instruction"
    REQUEST_COMPLEMENT = "request_complement", "Demander un complément"
    ANSWER_COMPLEMENT = "answer_complement", "Répondre à la demande de complément"
    GRANT = "grant", "Accorder"
    GRANT_PARTIALLY = "grant_partially", "Accorder partiellement"
    REFUSE = "refuse", "Refuser"
    CLOSE = "close", "Classer sans suite"
    SIGN_AGREEMENT = "sign", "Enregistrer la convention signée"
    PAY = "pay", "Enregistrer le versement"


class AlertKind(models.TextChoices):
    NEW_TOOL = "new_tool", "Nouvel outil correspondant à une recherche"
    DEADLINE_30 = "j30", "Clôture dans 30 jours"
    DEADLINE_7 = "j7", "Clôture dans 7 jours"
    REOPENED = "reopened", "Réouverture d'un appel"
    DOSSIER_30 = "dossier30", "Dossier non déposé, clôture dans 30 jours"
    DOSSIER_7 = "dossier7", "Dossier non déposé, clôture dans 7 jours"
    CALL_CLOSED = "closed", "Appel clos, demandes à instruire"
    REQUEST_WAITING = "waiting", "Demande sans réponse du financeur"


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", "Statuts"
    OFFICERS = "officers", "Liste des dirigeants"
    ACCOUNTS = "accounts", "Derniers comptes approuvés"
    ACTIVITY_REPORT = "activity_report", "Dernier rapport d'activité"
    RIB = "rib", "Relevé d'identité bancaire (RIB)"
    OTHER = "other", "Autre pièce"


class PdfStatus(models.TextChoices):
    NONE = "", "Non demandé"
    PENDING = "pending", "En préparation"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


# CERFA 12156's chart of accounts for the forecast budget.
CHARGE_ACCOUNTS = [
    ("60", "60 – Achats"),
    ("61", "61 – Services extérieurs"),
    ("62", "62 – Autres services extérieurs"),
    ("63", "63 – Impôts et taxes"),
    ("64", "64 – Charges de personnel"),
    ("65", "65 – Autres charges de gestion courante"),
    ("66", "66 – Charges financières"),
    ("67", "67 – Charges exceptionnelles"),
    ("68", "68 – Dotations aux amortissements, provisions"),
    ("86", "86 – Emplois des contributions volontaires en nature"),
]
PRODUCT_ACCOUNTS = [
    ("70", "70 – Ventes de produits finis, prestations de services"),
    ("73", "73 – Dotations et produits de tarification"),
    ("74", "74 – Subventions d'exploitation (une ligne par financeur)"),
    ("75", "75 – Autres produits de gestion courante"),
    ("76", "76 – Produits financiers"),
    ("77", "77 – Produits exceptionnels"),
    ("78", "78 – Reprises sur amortissements et provisions"),
    ("87", "87 – Contributions volontaires en nature"),
]
ACCOUNT_LABELS = dict(CHARGE_ACCOUNTS + PRODUCT_ACCOUNTS)
CHARGES = {code for code, _ in CHARGE_ACCOUNTS}
SUBSIDY_ACCOUNT = "74"
