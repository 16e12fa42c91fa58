"""The financing tools the report names, described from what it says. Where the report
gives no amount or date, the demo's are illustrative and the tool says so
(`is_illustrative`). Safe to re-run: tools are keyed by their import id."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from essor.directory.enums import Phase, Source
from essor.directory.models import Organisation
from essor.territories.areas import AreaLevel, area_spec
from essor.territories.models import Commune

from .enums import ApplyMode, Beneficiary, CallKind, Instrument, Need, Recurrence, ToolStatus
from .models import FinancingTool
from .services import tool_save

REGION = "75"
ALPC = "Région Aquitaine Limousin Poitou-Charentes"
ALPC_ACTIVE = "Aquitaine-Limousin-Poitou-Charentes Active"
ILLUSTRATIVE = "\n\n*Démonstration : montants et dates illustratifs, le rapport n'en donne pas.*"


def _funder(name):
    organisation, _ = Organisation.objects.get_or_create(name=name, source=Source.REPORT)
    return organisation


def _epci_of(commune_name, departement):
    commune = (
        Commune.objects.filter(name=commune_name, departement_id=departement)
        .select_related("epci")
        .first()
    )
    if commune and commune.epci_id:
        return AreaLevel.EPCI, commune.epci_id, commune.epci.name
    return AreaLevel.DEPARTEMENT, departement, f"département {departement}"


def _next(month, day):
    """The next occurrence of a yearly date, so that the demo always has open calls."""
    today = timezone.localdate()
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def tools():
    millevaches = _epci_of("Millevaches", "19")
    niort = _epci_of("Niort", "79")
    return [
        {
            "import_id": "rapport-2016:fonds-de-confiance",
            "title": "Fonds de Confiance — programme d'incubation",
            "summary": "Se faire salarier et accompagner par une entreprise existante pendant "
            "l'étude de faisabilité de son projet.",
            "description": "Le *programme d'incubation Fonds de Confiance* de France Active "
            "permet à un porteur de projet de se faire salarier et accompagner par une "
            "entreprise existante pendant la phase d'étude de faisabilité de son projet "
            "(état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": ["France Active"],
            "instrument": Instrument.GRANT,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [
                Beneficiary.PROJECT,
                Beneficiary.ASSOCIATION,
                Beneficiary.COOPERATIVE,
                Beneficiary.SCOP,
                Beneficiary.SCIC,
            ],
            "phases": [Phase.IDEA],
            "needs": [Need.OPERATING],
            "area": (AreaLevel.NATIONAL, "", "France entière"),
            "amount_min": 5000,
            "amount_max": 30000,
            "themes": "incubation, étude de faisabilité, emploi du porteur",
        },
        {
            "import_id": "rapport-2016:cap-amorcage",
            "title": "Cap Amorçage",
            "summary": "Subventionner la phase de recherche et développement d'un projet "
            "d'innovation sociale.",
            "description": "Aquitaine-Limousin-Poitou-Charentes Active propose des outils "
            "financiers pour le financement de l'innovation, en agissant notamment sur la "
            "phase Recherche & Développement : renforcer le haut de bilan des structures et "
            "subventionner la phase de R&D à travers des dispositifs comme Cap Amorçage "
            "(état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": [ALPC_ACTIVE],
            "instrument": Instrument.GRANT,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [
                Beneficiary.ASSOCIATION,
                Beneficiary.COOPERATIVE,
                Beneficiary.SCOP,
                Beneficiary.SCIC,
                Beneficiary.ESUS,
                Beneficiary.SIAE,
            ],
            "max_age_months": 36,
            "phases": [Phase.IDEA, Phase.CREATION],
            "needs": [Need.OPERATING],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 3000,
            "amount_max": 20000,
            "themes": "innovation sociale, R&D sociale",
        },
        {
            "import_id": "rapport-2016:cigales",
            "title": "CIGALES — capital risque solidaire",
            "summary": "Des clubs d'épargnants qui entrent au capital de petites entreprises "
            "locales et collectives.",
            "description": "Une CIGALES (Club d'Investisseurs pour une Gestion Alternative et "
            "Locale de l'Épargne Solidaire) est une structure de capital risque solidaire "
            "mobilisant l'épargne de ses membres au service de la création et du "
            "développement de petites entreprises locales et collectives (SARL, SCOP, SCIC, "
            "SA, association…). C'est aussi un lieu d'échanges et d'auto-formation où "
            "investisseurs et porteurs de projet font l'expérience d'une économie socialement "
            "responsable et solidaire (état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": [],
            "instrument": Instrument.SOLIDARITY_SAVINGS,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [
                Beneficiary.COOPERATIVE,
                Beneficiary.SCOP,
                Beneficiary.SCIC,
                Beneficiary.ASSOCIATION,
                Beneficiary.COMMERCIAL,
                Beneficiary.ESUS,
            ],
            "phases": [Phase.CREATION, Phase.DEVELOPMENT],
            "needs": [Need.EQUITY],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 1000,
            "amount_max": 15000,
            "apply_mode": ApplyMode.EXTERNAL,
            "contact": "adressez-vous au club CIGALES de votre territoire",
            "themes": "épargne solidaire, capital, circuits courts de l'argent",
        },
        {
            "import_id": "rapport-2016:jadopteunprojet",
            "title": "jadopteunprojet.com — financement participatif",
            "summary": "Une plateforme de finance participative et des Clubs « j'adopte » "
            "qui rapprochent porteurs de projet et citoyens.",
            "description": "La plateforme de finance participative *jadopteunprojet.com* "
            "stimule les interactions citoyennes et territoriales, avec les Clubs « j'adopte », "
            "pour réaliser des actions d'animation territoriale entre les porteurs de projets "
            "et les citoyens, dans une approche de réappropriation de la dynamique économique "
            "par le local (état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": ["jadopteunprojet.com"],
            "instrument": Instrument.CROWDFUNDING,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [],
            "phases": [Phase.CREATION, Phase.DEVELOPMENT],
            "needs": [Need.INVESTMENT, Need.OPERATING],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 500,
            "amount_max": 20000,
            "apply_mode": ApplyMode.EXTERNAL,
            "external_url": "https://www.jadopteunprojet.com/",
            "themes": "finance participative, citoyens, territoire",
        },
        {
            "import_id": "rapport-2016:ami-innovation-sociale",
            "title": "AMI Innovation sociale de la Région",
            "summary": "L'appel à manifestation d'intérêt du Conseil régional pour les projets "
            "d'innovation sociale.",
            "description": "L'Appel à Manifestation d'Intérêt (AMI) Innovation Sociale du "
            "Conseil Régional soutient les projets d'innovation sociale ; l'ADI mène en "
            "complémentarité une action pour favoriser le financement de la R&D sociale "
            "(état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": [ALPC],
            "instrument": Instrument.GRANT,
            "call_kind": CallKind.CALL_FOR_INTEREST,
            "recurrence": Recurrence.YEARLY,
            "opens_on": lambda: _next(3, 1).replace(year=_next(6, 30).year),
            "closes_on": lambda: _next(6, 30),
            "beneficiaries": [
                Beneficiary.ASSOCIATION,
                Beneficiary.COOPERATIVE,
                Beneficiary.SCOP,
                Beneficiary.SCIC,
                Beneficiary.CAE,
                Beneficiary.ESUS,
                Beneficiary.FOUNDATION,
                Beneficiary.MUTUAL,
                Beneficiary.SIAE,
                Beneficiary.EA,
            ],
            "phases": [Phase.IDEA, Phase.CREATION, Phase.DEVELOPMENT, Phase.SCALING],
            "needs": [Need.OPERATING, Need.INVESTMENT],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 10000,
            "amount_max": 80000,
            "rate": "jusqu'à 50 % des dépenses éligibles",
            "programme": "Politique régionale de l'ESS",
            "themes": "innovation sociale, expérimentation",
        },
        {
            "import_id": "rapport-2016:la-solidaire",
            "title": "Fonds de dotation la Solidaire",
            "summary": "Des dons collectés sur le plateau de Millevaches pour les initiatives "
            "locales.",
            "description": "Confrontés à un manque de ressources, un groupe d'habitants et "
            "d'entreprises du plateau de Millevaches a créé un outil de collecte de dons "
            "encourageant les solidarités : le fonds de dotation la Solidaire, qui appuie "
            "les initiatives locales de porteurs de projet individuels ou collectifs (état "
            "des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": ["la Solidaire"],
            "instrument": Instrument.SPONSORSHIP,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [],
            "phases": [Phase.IDEA, Phase.CREATION, Phase.DEVELOPMENT],
            "needs": [Need.INVESTMENT, Need.OPERATING],
            "area": millevaches,
            "amount_min": 500,
            "amount_max": 5000,
            "themes": "territoire rural, solidarités locales",
        },
        {
            "import_id": "rapport-2016:aap-niortais",
            "title": "Appel à projets ESS de l'agglomération du Niortais",
            "summary": "« L'économie sociale et solidaire : un autre levier du développement "
            "économique ».",
            "description": "La Communauté d'agglomération du Niortais a lancé en 2015 un premier "
            "appel à projets pour renforcer le réseau et les coopérations entre acteurs de "
            "l'ESS, développer les échanges avec les entreprises « classiques » et les "
            "collectivités, permettre l'expérimentation et soutenir des projets structurants "
            "pour le territoire (état des lieux 2016 des CRESS)." + ILLUSTRATIVE,
            "funders": ["Communauté d'agglomération du Niortais"],
            "instrument": Instrument.GRANT,
            "call_kind": CallKind.CALL_FOR_PROJECTS,
            "recurrence": Recurrence.YEARLY,
            "opens_on": lambda: _next(9, 1).replace(year=_next(11, 15).year),
            "closes_on": lambda: _next(11, 15),
            "beneficiaries": [],
            "phases": [Phase.CREATION, Phase.DEVELOPMENT, Phase.CONSOLIDATION],
            "needs": [Need.OPERATING, Need.INVESTMENT],
            "area": niort,
            "amount_min": 2000,
            "amount_max": 15000,
            "themes": "coopération, expérimentation, projets structurants",
        },
        {
            "import_id": "rapport-2016:titres-associatifs",
            "title": "Titres associatifs",
            "summary": "Des quasi-fonds propres pour renforcer le haut de bilan d'une association.",
            "description": "Le rapport appelle à développer la mixité des financements et de "
            "nouveaux leviers comme les titres associatifs ou les fonds à impact social, et "
            "cite l'action d'Aquitaine-Limousin-Poitou-Charentes Active pour renforcer le "
            "haut de bilan des structures (état des lieux 2016 des CRESS). Le financeur "
            "rattaché ici l'est pour la démonstration." + ILLUSTRATIVE,
            "funders": [ALPC_ACTIVE],
            "instrument": Instrument.ASSOCIATIVE_SECURITIES,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [Beneficiary.ASSOCIATION],
            "min_age_months": 24,
            "phases": [Phase.DEVELOPMENT, Phase.CONSOLIDATION, Phase.SCALING],
            "needs": [Need.EQUITY],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 10000,
            "amount_max": 100000,
            "rate": "rémunération plafonnée, remboursement à l'initiative de l'association",
        },
        {
            "import_id": "rapport-2016:pret-honneur",
            "title": "Prêt d'honneur solidaire",
            "summary": "Un prêt personnel sans intérêt ni garantie au porteur de projet, qui "
            "facilite l'obtention d'un prêt bancaire.",
            "description": "Le rapport demande des outils financiers dédiés à chaque phase de "
            "la vie de l'entreprise (amorçage, reprise en SCIC/SCOP, micro-finance, finance "
            "solidaire). Le prêt d'honneur, personnel et à taux zéro, renforce l'apport du "
            "porteur et ouvre l'accès au prêt bancaire. Outil de démonstration : financeur, "
            "montants et conditions illustratifs." + ILLUSTRATIVE,
            "funders": [ALPC_ACTIVE],
            "instrument": Instrument.HONOUR_LOAN,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [
                Beneficiary.PROJECT,
                Beneficiary.SCOP,
                Beneficiary.SCIC,
                Beneficiary.COMMERCIAL,
                Beneficiary.ESUS,
            ],
            "max_age_months": 36,
            "phases": [Phase.CREATION, Phase.TRANSFER],
            "needs": [Need.EQUITY, Need.INVESTMENT],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 1500,
            "amount_max": 8000,
            "rate": "0 %, sans garantie personnelle",
        },
        {
            "import_id": "rapport-2016:garantie-pret",
            "title": "Garantie d'emprunt bancaire",
            "summary": "Une garantie qui couvre une partie du prêt bancaire d'une structure "
            "de l'ESS.",
            "description": "Pour la bancarisation des structures de l'ESS que le rapport "
            "appelle de ses vœux : la garantie partage le risque avec la banque et vient "
            "derrière le prêt. Outil de démonstration : financeur, taux et montants "
            "illustratifs." + ILLUSTRATIVE,
            "funders": [ALPC_ACTIVE],
            "instrument": Instrument.GUARANTEE,
            "call_kind": CallKind.PERMANENT,
            "beneficiaries": [],
            "phases": [Phase.CREATION, Phase.DEVELOPMENT, Phase.TRANSFER, Phase.SCALING],
            "needs": [Need.INVESTMENT, Need.WORKING_CAPITAL],
            "area": (AreaLevel.REGION, REGION, "Nouvelle-Aquitaine"),
            "amount_min": 5000,
            "amount_max": 200000,
            "rate": "jusqu'à 50 % du prêt",
        },
    ]


# (tool, tools it opens the way to): an honour loan or associative securities first,
# then the guaranteed bank loan.
UNLOCKS = [
    ("rapport-2016:pret-honneur", ["rapport-2016:garantie-pret"]),
    ("rapport-2016:titres-associatifs", ["rapport-2016:garantie-pret"]),
    ("rapport-2016:fonds-de-confiance", ["rapport-2016:cap-amorcage"]),
]


@transaction.atomic
def load():
    created = {}
    for spec in tools():
        spec = dict(spec)
        funders = [_funder(name) for name in spec.pop("funders")]
        level, code, _ = spec.pop("area")
        for key in ("opens_on", "closes_on"):
            if callable(spec.get(key)):
                spec[key] = spec[key]()
        import_id = spec.pop("import_id")
        tool = FinancingTool.objects.filter(import_id=import_id).first() or FinancingTool(
            import_id=import_id
        )
        for key, value in spec.items():
            setattr(tool, key, value)
        tool.is_illustrative = True
        tool.status = ToolStatus.PUBLISHED
        tool.published_at = tool.published_at or timezone.now()
        tool_save(tool=tool, areas=[area_spec(level, code)])
        tool.funders.set(funders)
        created[import_id] = tool
    for source, targets in UNLOCKS:
        created[source].unlocks.set([created[t] for t in targets])
    return created
