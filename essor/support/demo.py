"""Demo support offers of the real support actors the 2016 report names, written from
what the report says of them. What it does not say (exact territory, cost, the very
content of the offer for the structures it only lists as interviewed) is flagged as
illustrative, and the pages show it. Never loaded outside `make demo` and the tests.

load() is idempotent: organisations are found or created by (name, source=report), as
the directory's demo loader does; offers by (provider, title)."""

from django.db import transaction

from essor.accounts.models import User
from essor.directory.enums import MembershipRole, Phase, Source
from essor.directory.models import Membership, Organisation
from essor.territories.areas import AreaLevel, area_spec
from essor.territories.models import Epci

from .enums import Audience, Cost, Format, HelpKind, OfferStatus, ProviderKind
from .enums import LegalForm as LF
from .models import SupportOffer
from .services import offer_set_areas

AQUITAINE = ["24", "33", "40", "47", "64"]
LIMOUSIN = ["19", "23", "87"]
POITOU_CHARENTES = ["16", "17", "79", "86"]
REGION = "75"
SUD_GIRONDE = ["CC du Sud Gironde", "CC du Bazadais", "CC du Réolais en Sud Gironde",
               "CC Convergence Garonne"]  # fmt: skip
MILLEVACHES = ["CC Creuse Grand Sud", "CC Haute-Corrèze Communauté", "CC des Portes de Vassivière",
               "CC Creuse Sud Ouest"]  # fmt: skip

FROM_NAME = "territoire déduit du nom de la structure (ancienne région ou département)"
ONLY_LISTED = (
    "le rapport cite cette structure parmi celles interrogées sans décrire son offre : "
    "contenu, territoire et coût illustratifs"
)

I, X, C, D, K, R, T = (  # noqa: E741 - the phases, initials for a readable table
    Phase.IDEA, Phase.TEST, Phase.CREATION, Phase.DEVELOPMENT, Phase.CONSOLIDATION,
    Phase.DIFFICULTY, Phase.TRANSFER,
)  # fmt: skip
H = HelpKind
A = Audience
STRUCTURES = [A.ASSOCIATION, A.COOPERATIVE, A.ESS_COMPANY]

DLA_TEXT = (
    "Le dispositif local d'accompagnement aide les associations et les entreprises de l'ESS "
    "qui emploient des salariés à consolider leur activité : diagnostic partagé, puis "
    "accompagnement individuel ou collectif par des consultants (modèle économique, "
    "organisation, fonction RH, gouvernance). L'état des lieux demande de « renforcer les "
    "capacités d'action du DLA envers les dirigeants bénévoles associatifs »."
)
DLA_QUOTE = (
    "Soutenir les structures et dispositifs d'accompagnement (DLA) qui sont des outils "
    "complémentaires aux dispositifs de financements (professionnalisation, outils de gestion, "
    "optimisation de l'organisation et de la fonction RH) aussi bien pour les structures "
    "existantes que pour les porteurs de projet."
)
URSCOP_TEXT = (
    "L'union régionale des SCOP accompagne la création, la reprise et la transmission "
    "d'entreprises en coopérative (SCOP, SCIC) : étude du projet, statuts, plan de "
    "financement, puis suivi des coopératives, y compris en difficulté. La reprise d'une "
    "entreprise par ses salariés en SCOP est l'une de ses spécialités."
)
BGE_TEXT = (
    "Réseau d'appui aux entrepreneurs : accueil et information des créateurs, ateliers de "
    "formation, aide au montage du projet (étude de marché, prévisionnel) et suivi après "
    "la création."
)
CAE_TEXT = (
    "Une coopérative d'activité et d'emploi permet de tester et développer son activité "
    "en étant entrepreneur salarié : la CAE porte juridiquement l'activité, assure la "
    "gestion et forme ; l'entrepreneur peut ensuite devenir associé."
)
ACTIVE_TEXT = (
    "Financement solidaire des structures de l'ESS : garanties d'emprunts bancaires, prêts "
    "solidaires, apports en fonds propres, et expertise du plan de financement, de la "
    "création à la reprise (notamment en SCOP ou SCIC)."
)


def offer(provider, kind, title, description, help_kinds, *, phases=(), audiences=(),
          legal_forms=(), sectors=(), cost=Cost.FREE, format=Format.IN_PERSON, areas=(),
          quote="", illustrative="", how_to_ask=""):  # fmt: skip
    return {
        "provider": provider,
        "provider_kind": kind,
        "title": title,
        "description": description,
        "help_kinds": list(help_kinds),
        "phases": list(phases),
        "audiences": list(audiences),
        "legal_forms": list(legal_forms),
        "sectors": list(sectors),
        "cost": cost,
        "format": format,
        "areas": list(areas),
        "report_quote": quote,
        "illustrative_details": illustrative,
        "how_to_ask": how_to_ask
        or "Coordonnées à compléter par la structure (contenu de démonstration) ; la CRESS "
        "peut vous mettre en relation.",
    }


OFFERS = [
    # --- The CRESS: first information, orientation, meeting places -----------------------
    offer(
        "CRESS Aquitaine",
        ProviderKind.CRESS,
        "RICLESS — réunions d'information collectives locales de l'ESS",
        "Des réunions d'information sur l'ESS, la CRESS et l'entrepreneuriat social, et des "
        "temps de rencontre et d'échange avec des porteurs de projets, pour favoriser le "
        "développement économique du bassin de vie et d'emploi.",
        [H.FIRST_INFO, H.NETWORKING, H.COLLECTIVE],
        phases=[I, C],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ASSOCIATION],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        quote="La CRESS Aquitaine organise des RICLESS, réunions d'information collectives "
        "locales de l'ESS avec comme objectifs d'informer sur l'ESS, la CRESS et "
        "l'entrepreneuriat social, mais aussi de créer des temps de rencontres et d'échange "
        "avec des porteurs de projets pour favoriser le développement économique sur le "
        "bassin de vie/d'emploi.",
        illustrative=f"{FROM_NAME} ; gratuité supposée",
    ),
    offer(
        "CRESS Limousin",
        ProviderKind.CRESS,
        "Première information et orientation des porteurs de projets de l'ESS",
        "La chambre régionale de l'ESS informe sur l'économie sociale et solidaire et ses "
        "formes d'entreprendre, et oriente vers les acteurs de l'accompagnement et du "
        "financement du territoire — la question « vers qui se tourner ? » de l'état des lieux.",
        [H.FIRST_INFO, H.NETWORKING],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        illustrative=f"offre décrite d'après le rôle que le rapport donne aux CRESS ; {FROM_NAME}",
    ),
    offer(
        "CRESS Poitou-Charentes",
        ProviderKind.CRESS,
        "Première information et orientation des porteurs de projets de l'ESS",
        "La chambre régionale de l'ESS informe sur l'économie sociale et solidaire et ses "
        "formes d'entreprendre, et oriente vers les acteurs de l'accompagnement et du "
        "financement du territoire.",
        [H.FIRST_INFO, H.NETWORKING],
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        illustrative=f"offre décrite d'après le rôle que le rapport donne aux CRESS ; {FROM_NAME}",
    ),
    offer(
        "CRESS Poitou-Charentes",
        ProviderKind.CRESS,
        "Les Espresso — rendez-vous d'affaires",
        "Des matinées de rendez-vous d'affaires entre professionnels pour promouvoir l'offre "
        "de biens et services de l'ESS, soutenir l'activité des entreprises de l'ESS et "
        "encourager les projets de coopération inter-entreprises.",
        [H.NETWORKING, H.COMMERCIAL],
        phases=[D, K],
        audiences=STRUCTURES + [A.CLASSIC_COMPANY],
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        quote="Initiés par la CRESS Poitou-Charentes, les Espresso sont des rendez vous "
        "d'affaires dédiés exclusivement aux professionnels.",
        illustrative=f"{FROM_NAME} ; gratuité supposée",
    ),
    offer(
        "CRESS Limousin",
        ProviderKind.CRESS,
        "Junior Coopérative",
        "Des dispositifs pédagogiques pour découvrir l'ESS et l'entrepreneuriat social, pour "
        "les néophytes et pour les collectifs qui veulent développer une idée d'initiative "
        "de l'ESS ou sont en projet de création. Porté par les trois CRESS avec l'ESPER.",
        [H.TRAINING, H.COLLECTIVE, H.FIRST_INFO],
        phases=[I],
        audiences=[A.CITIZENS, A.INDIVIDUAL],
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Elle s'adresse aux néophytes désireux de découvrir l'ESS, et aux collectifs "
        "souhaitant développer une idée d'initiatives de l'ESS ou en projet de création.",
        illustrative="territoire (toute la région) et gratuité supposés",
    ),
    # --- Creation support ----------------------------------------------------------------
    offer(
        "Région Limousin",
        ProviderKind.PUBLIC_BODY,
        "Objectif création",
        "Un bouquet de services : sensibilisation et découverte de la création d'entreprise, "
        "accompagnement au montage du projet, notamment de création d'entreprise de l'ESS, "
        "et suivi après la création.",
        [H.FIRST_INFO, H.TRAINING, H.INDIVIDUAL],
        phases=[I, C, D],
        audiences=[A.INDIVIDUAL, A.CITIZENS],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        quote="La Région Limousin a mis en place et animait Objectif création, un bouquet de "
        "services qui permet la sensibilisation à la découverte de la création d'entreprise "
        "ainsi que l'accompagnement au montage d'un projet de création d'entreprise, "
        "notamment de création d'entreprise de l'ESS avec un suivi post création.",
        illustrative="le rapport dit que la Région « animait » ce dispositif en 2016 : il "
        "n'existe peut-être plus sous ce nom",
    ),
    offer(
        "BGE Limousin",
        ProviderKind.BGE,
        "Créer son entreprise : accueil, formation, suivi",
        BGE_TEXT,
        [H.FIRST_INFO, H.INDIVIDUAL, H.TRAINING],
        phases=[I, C, D],
        audiences=[A.INDIVIDUAL],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        illustrative=ONLY_LISTED,
    ),
    offer(
        "BGE Poitou-Charentes",
        ProviderKind.BGE,
        "Créer son entreprise : accueil, formation, suivi",
        BGE_TEXT,
        [H.FIRST_INFO, H.INDIVIDUAL, H.TRAINING],
        phases=[I, C, D],
        audiences=[A.INDIVIDUAL],
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        illustrative=ONLY_LISTED,
    ),
    offer(
        "Association Territoires & Innovation sociale",
        ProviderKind.INCUBATOR,
        "La Fabrique à initiatives",
        "À partir d'idées et de besoins repérés sur les territoires, ATIS étudie l'opportunité "
        "de l'idée et l'intérêt du territoire pour le projet, identifie le porteur de projet "
        "et l'accompagne dans sa démarche de création, en l'intégrant dans le réseau des "
        "acteurs de l'accompagnement et du financement.",
        [H.INCUBATION, H.INDIVIDUAL, H.NETWORKING],
        phases=[I, C],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.LOCAL_AUTHORITY, A.ESS_COMPANY],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        quote="ATIS (Association Territoires & Innovation sociale) accompagne l'émergence et "
        "le développement des entreprises sociales sur le territoire aquitain grâce à des "
        "programmes d'accompagnement, notamment la fabrique à initiatives",
        illustrative="gratuité supposée",
    ),
    offer(
        "Association Territoires & Innovation sociale",
        ProviderKind.INCUBATOR,
        "Accompagnement des entreprises sociales en développement",
        "Des programmes d'accompagnement pour les entreprises sociales qui se créent ou se "
        "développent en Aquitaine.",
        [H.INDIVIDUAL, H.INCUBATION],
        phases=[C, D],
        audiences=[A.ESS_COMPANY, A.ASSOCIATION, A.COOPERATIVE],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        illustrative="contenu des programmes et coût illustratifs",
    ),
    offer(
        "Fabrique des Territoires Innovants",
        ProviderKind.INCUBATOR,
        "Accompagner la création d'activité à impact social",
        "Think-and-do-tank de l'entrepreneuriat social et collaboratif : la FTI initie et "
        "accompagne la création d'activité économique à impact social, en structurant des "
        "acteurs pionniers ancrés localement.",
        [H.INDIVIDUAL, H.INCUBATION, H.NETWORKING],
        phases=[I, C],
        audiences=[A.CITIZENS, A.INDIVIDUAL, A.LOCAL_AUTHORITY],
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Do-tank, la FTI initie et accompagne la création d'activité économique à "
        "impact social à travers la structuration d'acteurs pionniers ancrés localement.",
        illustrative="territoire (toute la région) et coût illustratifs",
    ),
    # --- Cooperatives: URSCOP, CAE -------------------------------------------------------
    *[
        offer(
            name,
            ProviderKind.URSCOP,
            "Créer, reprendre ou transmettre en SCOP ou en SCIC",
            URSCOP_TEXT,
            [H.FIRST_INFO, H.INDIVIDUAL, H.LEGAL, H.FINANCIAL],
            phases=[I, C, D, R, T],
            legal_forms=[LF.SCOP, LF.SCIC],
            areas=[(AreaLevel.DEPARTEMENT, codes)],
            illustrative=ONLY_LISTED,
        )
        for name, codes in [
            ("URSCOP Aquitaine", AQUITAINE),
            ("URSCOP Limousin", LIMOUSIN),
            ("URSCOP Poitou-Charentes", POITOU_CHARENTES),
        ]
    ],
    offer(
        "URSCOP Poitou-Charentes",
        ProviderKind.URSCOP,
        "Campus Coopérative",
        "Une école internationale d'été des jeunes créateurs de coopératives : deux semaines "
        "pour élaborer un projet de création d'entreprise sous forme coopérative.",
        [H.TRAINING, H.COLLECTIVE],
        phases=[I],
        audiences=[A.CITIZENS, A.INDIVIDUAL],
        legal_forms=[LF.SCOP, LF.SCIC],
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Porté par l'URSCOP Poitou-Charentes, Campus Coopérative est une école "
        "internationale d'été des jeunes créateurs de coopératives, qui permet à des jeunes "
        "d'élaborer un projet de création d'entreprise sous forme coopérative en deux semaines.",
        illustrative="territoire de recrutement et coût illustratifs",
    ),
    offer(
        "Coop Alpha",
        ProviderKind.CAE,
        "Tester et développer son activité en CAE",
        CAE_TEXT,
        [H.CAE, H.TRAINING, H.INDIVIDUAL],
        phases=[I, X, C, D],
        audiences=[A.INDIVIDUAL],
        legal_forms=[LF.CAE],
        cost=Cost.PAID,
        areas=[(AreaLevel.DEPARTEMENT, ["33"])],
        illustrative=f"{ONLY_LISTED} (territoire supposé : Gironde ; contribution sur le "
        "chiffre d'affaires)",
    ),
    offer(
        "Cesam Oxalis",
        ProviderKind.CAE,
        "Tester et développer son activité en CAE",
        CAE_TEXT,
        [H.CAE, H.TRAINING, H.INDIVIDUAL],
        phases=[I, X, C, D],
        audiences=[A.INDIVIDUAL],
        legal_forms=[LF.CAE],
        cost=Cost.PAID,
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        illustrative=f"{ONLY_LISTED} (interrogée en Limousin)",
    ),
    offer(
        "La ruche Oxalis",
        ProviderKind.CAE,
        "Tester et développer son activité en CAE",
        CAE_TEXT,
        [H.CAE, H.TRAINING, H.INDIVIDUAL],
        phases=[I, X, C, D],
        audiences=[A.INDIVIDUAL],
        legal_forms=[LF.CAE],
        cost=Cost.PAID,
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        illustrative=f"{ONLY_LISTED} (interrogée en Poitou-Charentes)",
    ),
    offer(
        "Coopérer pour Entreprendre",
        ProviderKind.NETWORK,
        "Trouver une coopérative d'activité et d'emploi",
        "Le réseau des CAE signataires d'une charte de valeurs communes oriente les "
        "entrepreneurs vers la coopérative d'activité et d'emploi la plus proche.",
        [H.FIRST_INFO, H.CAE],
        phases=[I, X, C],
        audiences=[A.INDIVIDUAL],
        legal_forms=[LF.CAE],
        format=Format.REMOTE,
        areas=[(AreaLevel.NATIONAL, ["FR"])],
        quote="La charte signée par les CAE membres du réseau Coopérer pour Entreprendre met "
        "en avant leurs valeurs communes.",
        illustrative="offre d'orientation illustrative",
    ),
    # --- Solidarity finance --------------------------------------------------------------
    offer(
        "France Active",
        ProviderKind.SOLIDARITY_FINANCE,
        "Programme d'incubation Fonds de Confiance",
        "Le porteur de projet est salarié et accompagné par une entreprise existante pendant "
        "la phase d'étude de faisabilité de son projet.",
        [H.INCUBATION, H.FUNDING, H.INDIVIDUAL],
        phases=[I],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ESS_COMPANY],
        format=Format.BOTH,
        areas=[(AreaLevel.NATIONAL, ["FR"])],
        quote="Le programme d'incubation Fonds de Confiance de France Active permet à un "
        "porteur de projet de se faire salarier et accompagner par une entreprise existante "
        "pendant la phase d'étude de faisabilité de son projet.",
        illustrative="territoire (national) et conditions illustratifs",
    ),
    offer(
        "Aquitaine-Limousin-Poitou-Charentes Active",
        ProviderKind.SOLIDARITY_FINANCE,
        "Financer l'innovation sociale et la R&D (Cap Amorçage)",
        "Des outils financiers pour l'innovation, notamment pour la phase de recherche et "
        "développement : renforcer le haut de bilan des structures et subventionner la R&D "
        "par des dispositifs comme Cap Amorçage.",
        [H.FUNDING, H.FINANCIAL],
        phases=[I, C, D],
        audiences=STRUCTURES,
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Aquitaine-Limousin-Poitou-Charentes Active propose des outils financiers pour "
        "le financement de l'Innovation, en agissant notamment sur la phase Recherche & "
        "Développement",
        illustrative="coût et conditions illustratifs",
    ),
    offer(
        "Aquitaine Active",
        ProviderKind.SOLIDARITY_FINANCE,
        "Garanties, prêts solidaires et expertise financière",
        ACTIVE_TEXT,
        [H.FUNDING, H.FINANCIAL],
        phases=[C, D, K, R, T],
        audiences=STRUCTURES + [A.CITIZENS],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        illustrative=ONLY_LISTED,
    ),
    offer(
        "Limousin Actif",
        ProviderKind.SOLIDARITY_FINANCE,
        "Garanties, prêts solidaires et expertise financière",
        ACTIVE_TEXT,
        [H.FUNDING, H.FINANCIAL],
        phases=[C, D, K, R, T],
        audiences=STRUCTURES + [A.CITIZENS],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        illustrative=ONLY_LISTED,
    ),
    offer(
        "CIGALES",
        ProviderKind.SOLIDARITY_FINANCE,
        "Une CIGALES près de chez vous",
        "Des clubs d'investisseurs citoyens mobilisent leur épargne pour entrer au capital de "
        "petites entreprises locales et collectives (SARL, SCOP, SCIC, SA, association…) et "
        "les suivent : un lieu d'échanges et d'auto-formation.",
        [H.FUNDING, H.NETWORKING],
        phases=[C, D],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.COOPERATIVE, A.ESS_COMPANY],
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Une CIGALES (Club d'Investisseurs pour une Gestion Alternative et Locale de "
        "l'Épargne Solidaire) est une structure de capital risque solidaire mobilisant "
        "l'épargne de ses membres au service de la création et du développement de petites "
        "entreprises locales et collectives",
        illustrative="clubs présents selon les territoires : couverture régionale illustrative",
    ),
    offer(
        "jadopteunprojet.com",
        ProviderKind.SOLIDARITY_FINANCE,
        "Financement participatif et clubs « j'adopte »",
        "Une plateforme de finance participative qui met en lien porteurs de projets et "
        "citoyens, avec des actions d'animation territoriale.",
        [H.FUNDING, H.NETWORKING],
        phases=[C, D],
        format=Format.REMOTE,
        areas=[(AreaLevel.NATIONAL, ["FR"])],
        quote="La plateforme de finance participative jadopteunprojet.com stimule les "
        "interactions citoyennes et territoriales",
        illustrative="territoire (national, en ligne) et commission illustratifs",
        cost=Cost.PAID,
    ),
    offer(
        "la Solidaire",
        ProviderKind.SOLIDARITY_FINANCE,
        "Le fonds de dotation du plateau de Millevaches",
        "Un outil de collecte de dons créé par des habitants et des entreprises du plateau "
        "de Millevaches, qui appuie les initiatives locales de porteurs de projet individuels "
        "ou collectifs.",
        [H.FUNDING],
        phases=[I, C, D],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ASSOCIATION],
        areas=[(AreaLevel.EPCI, MILLEVACHES)],
        quote="un groupe d'habitants et d'entreprises du plateau de Millevaches a décidé de "
        "créer un outil de collecte de dons encourageant les solidarités : le fonds de "
        "dotation la Solidaire qui appuie les initiatives locales de porteurs de projet "
        "individuels ou collectifs.",
        illustrative="périmètre (intercommunalités du plateau) illustratif",
    ),
    offer(
        "Communauté d'agglomération du Niortais",
        ProviderKind.PUBLIC_BODY,
        "Appel à projets « L'économie sociale et solidaire : un autre levier du développement "
        "économique »",
        "Un appel à projets pour renforcer les coopérations entre acteurs de l'ESS, avec les "
        "entreprises « classiques » et les collectivités, permettre l'expérimentation et "
        "soutenir des projets structurants pour le territoire.",
        [H.FUNDING],
        phases=[C, D],
        audiences=STRUCTURES,
        areas=[(AreaLevel.EPCI, ["CA du Niortais"])],
        quote="La Communauté d'agglomération du Niortais a lancé en 2015 un premier appel à "
        "projets sur le thème « L'économie sociale et solidaire : un autre levier du "
        "développement économique »",
        illustrative="appel à projets de 2015 : son renouvellement est supposé",
    ),
    # --- Consolidation: DLA, governance, training ----------------------------------------
    offer(
        "DLA 19",
        ProviderKind.DLA,
        "Dispositif local d'accompagnement de la Corrèze",
        DLA_TEXT,
        [H.INDIVIDUAL, H.COLLECTIVE, H.FINANCIAL, H.HR, H.TRAINING],
        phases=[D, K, R],
        audiences=STRUCTURES,
        cost=Cost.COVERED,
        areas=[(AreaLevel.DEPARTEMENT, ["19"])],
        quote=DLA_QUOTE,
        illustrative=f"{FROM_NAME} ; prise en charge supposée",
    ),
    offer(
        "DLA 23",
        ProviderKind.DLA,
        "Dispositif local d'accompagnement de la Creuse",
        DLA_TEXT,
        [H.INDIVIDUAL, H.COLLECTIVE, H.FINANCIAL, H.HR, H.TRAINING],
        phases=[D, K, R],
        audiences=STRUCTURES,
        cost=Cost.COVERED,
        areas=[(AreaLevel.DEPARTEMENT, ["23"])],
        quote=DLA_QUOTE,
        illustrative=f"{FROM_NAME} ; prise en charge supposée",
    ),
    offer(
        "DLA",
        ProviderKind.DLA,
        "Le DLA de votre département",
        DLA_TEXT,
        [H.INDIVIDUAL, H.COLLECTIVE, H.FINANCIAL, H.HR, H.TRAINING],
        phases=[D, K, R],
        audiences=STRUCTURES,
        cost=Cost.COVERED,
        areas=[
            (AreaLevel.DEPARTEMENT, ["16", "17", "24", "33", "40", "47", "64", "79", "86", "87"])
        ],  # fmt: skip
        quote=DLA_QUOTE,
        illustrative="le rapport parle du DLA en général : une fiche par département "
        "serait à écrire avec chaque DLA",
    ),
    offer(
        "La Fonda Sud Ouest",
        ProviderKind.NETWORK,
        "La Fabrique associative",
        "Un espace de réflexion et d'échange pour travailler ensemble le projet stratégique "
        "dans le respect du cadre associatif : pérenniser le projet, travailler la relation "
        "entre bénévoles et salariés, la qualité de l'emploi et la gouvernance.",
        [H.COLLECTIVE, H.TRAINING],
        phases=[D, K],
        audiences=[A.ASSOCIATION],
        legal_forms=[LF.ASSOCIATION],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        quote="La Fonda Sud Ouest développe la Fabrique associative, qui offre un espace de "
        "réflexion et d'échange pour travailler ensemble le projet stratégique dans le "
        "respect du cadre associatif",
        illustrative="territoire (Sud-Ouest : ancienne Aquitaine) et coût illustratifs",
    ),
    offer(
        "Carrefour de l'Innovation Sociale du Travail et de l'Emploi",
        ProviderKind.TRAINING_BODY,
        "Formations au dialogue social et à la gestion de projets territoriaux",
        "Une association paritaire régionale, qui regroupe les organisations syndicales de "
        "salariés et patronales, propose des formations au dialogue social et à la gestion de "
        "projets territoriaux.",
        [H.TRAINING, H.HR],
        phases=[D, K],
        audiences=STRUCTURES + [A.CLASSIC_COMPANY],
        cost=Cost.QUOTE,
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Le CISTE (Carrefour de l'Innovation Sociale du Travail et de l'Emploi), "
        "association paritaire régionale regroupant les organisations syndicales de salariés "
        "et patronales, propose des formations au dialogue social et à la gestion de projets "
        "territoriaux.",
        illustrative="territoire (toute la région) et coût illustratifs",
    ),
    offer(
        "HIERO",
        ProviderKind.NETWORK,
        "MANet et formations culture et ESS",
        "La fédération des musiques actuelles accompagne les acteurs associatifs : formations "
        "pour faire le lien entre la culture et l'ESS, et MANet, un outil de conseil et de "
        "veille sur la législation et l'actualité du secteur associatif.",
        [H.TRAINING, H.LEGAL, H.NETWORKING],
        phases=[C, D, K],
        audiences=[A.ASSOCIATION],
        sectors=["arts_spectacles"],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        quote="l'association accompagne les acteurs de la vie associative via l'organisation "
        "de formations pour faire un lien entre la culture et l'ESS et via le dispositif "
        '"MANet", outil de conseil et de veille sur la législation et l\'actualité locale et '
        "nationale du secteur associatif.",
        illustrative="territoire (Limousin, où HIERO a été interrogée) et coût illustratifs",
    ),
    offer(
        "Université de Poitiers",
        ProviderKind.TRAINING_BODY,
        "Formation continue des responsables de structures de l'ESS",
        "Avec le pôle territorial de coopération économique Élan Coopératif Niortais / "
        "HubÉco, une offre de formation continue dédiée aux dirigeants de l'ESS.",
        [H.TRAINING],
        phases=[D, K],
        audiences=STRUCTURES,
        cost=Cost.PAID,
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        quote="L'Université de Poitiers et le Pôle Territorial de Coopération Économique Élan "
        "Coopératif Niortais / HubÉco se sont associés pour proposer une offre de formation "
        "continue dédiée aux responsables de structures de l'économie sociale et solidaire.",
        illustrative="territoire et coût illustratifs",
    ),
    offer(
        "Centre de Ressources des Groupements d'Employeurs",
        ProviderKind.RESOURCE_CENTRE,
        "Créer ou rejoindre un groupement d'employeurs",
        "Le CRGE soutient les porteurs de projet de groupement d'employeurs pour mutualiser "
        "des emplois entre employeurs, puis accompagne et professionnalise les groupements "
        "dans leur action quotidienne.",
        [H.INDIVIDUAL, H.HR, H.LEGAL],
        phases=[I, C, D, K],
        audiences=STRUCTURES + [A.CLASSIC_COMPANY, A.LOCAL_AUTHORITY],
        legal_forms=[LF.EMPLOYER_GROUP],
        areas=[(AreaLevel.DEPARTEMENT, POITOU_CHARENTES)],
        quote="Le Centre de Ressources des Groupements d'Employeurs soutient les porteurs de "
        "projet de GE, pour favoriser la mutualisation d'emplois entre employeurs.",
        illustrative="territoire (Poitou-Charentes, où le CRGE a été interrogé) et coût "
        "illustratifs",
    ),
    # --- Innovation ----------------------------------------------------------------------
    offer(
        "Aquitaine Développement Innovation",
        ProviderKind.INNOVATION_AGENCY,
        "Innovez en Aquitaine — le réseau des partenaires de l'innovation",
        "Un réseau de 350 partenaires de l'innovation et de l'accompagnement du développement "
        "économique, qui favorise l'accès à l'innovation des TPE et PME et les "
        "accompagnements conjoints de projets d'innovation sociale.",
        [H.NETWORKING, H.INDIVIDUAL],
        phases=[D],
        audiences=[A.ESS_COMPANY, A.COOPERATIVE, A.CLASSIC_COMPANY],
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        quote="Le réseau Innovez en Aquitaine porté et animé par Aquitaine Développement "
        "Innovation (ADI) favorise l'accès à l'innovation aux TPE et PME aquitaine, grâce à "
        "un réseau de 350 partenaires de l'innovation et de l'accompagnement du "
        "développement économique en région.",
        illustrative="gratuité supposée",
    ),
    offer(
        "Aquitaine Développement Innovation",
        ProviderKind.INNOVATION_AGENCY,
        "Financer la R&D sociale et l'innovation sociale",
        "Connaître, caractériser et financer la recherche et développement sociale, et ouvrir "
        "les dispositifs de droit commun de l'innovation à l'innovation sociale.",
        [H.FINANCIAL, H.FUNDING, H.INDIVIDUAL],
        phases=[I, D],
        audiences=STRUCTURES,
        areas=[(AreaLevel.DEPARTEMENT, AQUITAINE)],
        quote="L'ADI mène une action pour favoriser le financement de la R&D sociale et de "
        "l'innovation sociale",
        illustrative="gratuité supposée",
    ),
    offer(
        "Autonom'lab",
        ProviderKind.INCUBATOR,
        "Living lab santé et autonomie",
        "Un pôle d'innovation en santé et autonomie des personnes, qui favorise l'émergence "
        "de projets et de solutions innovantes pour l'autonomie.",
        [H.INCUBATION, H.NETWORKING],
        phases=[I, D],
        sectors=["sante", "action_sociale"],
        audiences=STRUCTURES + [A.CLASSIC_COMPANY, A.LOCAL_AUTHORITY],
        areas=[(AreaLevel.DEPARTEMENT, LIMOUSIN)],
        quote="Autonom'lab est un Living Lab, pôle d'innovation en santé et autonomie des "
        "personnes, destiné à favoriser l'émergence de projets et de solutions innovantes "
        "pour l'autonomie des personnes.",
        illustrative="coût illustratif",
    ),
    offer(
        "Centre de Ressources pour l'Innovation Sociale dans l'Action Locale et ses "
        "Initiatives pour le Développement Humain",
        ProviderKind.RESOURCE_CENTRE,
        "Consolider et évaluer un projet d'innovation sociale",
        "Le CRISALIDH aide les institutions territoriales et les acteurs de la société civile "
        "à réussir leurs projets d'innovation sociale : consolidation, modalités d'évaluation "
        "des résultats et de l'impact.",
        [H.INDIVIDUAL, H.NETWORKING],
        phases=[D, K],
        audiences=[A.LOCAL_AUTHORITY, A.ASSOCIATION, A.ESS_COMPANY],
        areas=[(AreaLevel.REGION, [REGION])],
        quote="Ses missions contribuent à consolider les initiatives socialement innovantes, à "
        "faire émerger des modalités spécifiques d'évaluation de leurs résultats et impacts",
        illustrative="territoire (toute la région) et coût illustratifs",
    ),
    # --- Local hubs ----------------------------------------------------------------------
    offer(
        "Cap Solidaire",
        ProviderKind.LOCAL_HUB,
        "Entreprendre et coopérer en Sud-Gironde",
        "Cap Solidaire a retravaillé l'offre de services aux citoyens et au territoire du "
        "Sud-Gironde, territoire rural, pour en développer l'attractivité économique et "
        "sociale : information des porteurs de projets, mise en réseau, mutualisation et "
        "coopération.",
        [H.FIRST_INFO, H.NETWORKING, H.COLLECTIVE],
        phases=[I, C, D],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ASSOCIATION, A.LOCAL_AUTHORITY],
        areas=[(AreaLevel.EPCI, SUD_GIRONDE)],
        quote="L'action de CAP Solidaire pour développer l'attractivité économique et sociale "
        "d'un territoire rural : le Sud-Gironde a permis de re-travailler l'offre de services "
        "globale aux citoyens et au territoire",
        illustrative="périmètre (intercommunalités du Sud-Gironde) et contenu de l'offre "
        "illustratifs",
    ),
    offer(
        "De fil en réseaux",
        ProviderKind.LOCAL_HUB,
        "Accueil et orientation sur le plateau de Millevaches",
        "Une association d'associations et de coopératives du plateau de Millevaches qui "
        "coordonne l'accueil des nouveaux habitants et les oriente vers les personnes et "
        "structures à même d'appuyer leurs démarches.",
        [H.FIRST_INFO, H.NETWORKING],
        phases=[I, C],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ASSOCIATION],
        areas=[(AreaLevel.EPCI, MILLEVACHES)],
        quote="De fil en réseaux coordonne l'accueil de nouveaux habitants, oriente les "
        "habitants vers les personnes et/ou structures à même d'appuyer leurs démarches",
        illustrative="périmètre (intercommunalités du plateau) illustratif",
    ),
    offer(
        "Association Pivoine",
        ProviderKind.TRAINING_BODY,
        "Formations d'éducation populaire et accompagnement de collectifs",
        "Basée à Faux-la-Montagne, Pivoine propose des formations et des ateliers pour "
        "développer la responsabilité, l'autonomie et la capacité d'agir, et accompagne des "
        "collectifs.",
        [H.TRAINING, H.COLLECTIVE],
        phases=[I, C, K],
        audiences=[A.CITIZENS, A.ASSOCIATION],
        cost=Cost.QUOTE,
        areas=[(AreaLevel.EPCI, MILLEVACHES)],
        quote="Basé à Faux la Montagne sur le plateau de Millevaches, Pivoine propose des "
        "formations d'éducation populaire et de l'accompagnement de collectifs",
        illustrative="périmètre et coût illustratifs",
    ),
    offer(
        "Lcube",
        ProviderKind.LOCAL_HUB,
        "Un lieu de travail pour les projets coopératifs",
        "Situé à Limoges, un espace de travail, d'échange et de partage des connaissances "
        "pour réaliser des projets coopératifs aux composantes culturelles, sociales, "
        "scientifiques, artistiques et techniques.",
        [H.HOSTING, H.NETWORKING],
        phases=[I, C],
        audiences=[A.INDIVIDUAL, A.CITIZENS, A.ASSOCIATION],
        cost=Cost.PAID,
        areas=[(AreaLevel.EPCI, ["CU Limoges Métropole"])],
        quote="Situé à Limoges, Lcube est un espace de travail, un lieu d'échange et de "
        "partage des connaissances en vue de la réalisation de projets coopératifs",
        illustrative="périmètre (Limoges Métropole) et coût illustratifs",
    ),
]

ACRONYMS = {
    "Association Territoires & Innovation sociale": "ATIS",
    "Aquitaine Développement Innovation": "ADI",
    "Centre de Ressources des Groupements d'Employeurs": "CRGE",
    "Carrefour de l'Innovation Sociale du Travail et de l'Emploi": "CISTE",
    "Fabrique des Territoires Innovants": "FTI",
    "Centre de Ressources pour l'Innovation Sociale dans l'Action Locale et ses Initiatives "
    "pour le Développement Humain": "CRISALIDH",
}

# The demo support actor answers for these in their inbox.
DEMO_ACTOR_EMAIL = "accompagnement@demo.example.org"
DEMO_ACTOR_ORGANISATIONS = ["DLA 23", "URSCOP Limousin"]


def resolve_areas(specs):
    """[AreaSpec] from [(level, [codes or EPCI names])], with the real names. An EPCI
    missing from the loaded geography is skipped rather than guessed."""
    areas = []
    for level, values in specs:
        for value in values:
            if level == AreaLevel.EPCI:
                epci = Epci.objects.filter(name=value).first()
                value = epci.code if epci else ""
            spec = area_spec(level, value)
            if spec is not None:
                areas.append(spec)
    return areas


def organisation(name):
    found, _ = Organisation.objects.get_or_create(
        name=name, source=Source.REPORT, defaults={"acronym": ACRONYMS.get(name, "")}
    )
    return found


@transaction.atomic
def load():
    """Create or refresh the demo offers; returns how many there are."""
    for spec in OFFERS:
        spec = dict(spec)
        provider = organisation(spec.pop("provider"))
        areas = resolve_areas(spec.pop("areas"))
        spec["is_illustrative"] = bool(spec["illustrative_details"])
        spec["status"] = OfferStatus.PUBLISHED
        found, _ = SupportOffer.objects.update_or_create(
            provider=provider, title=spec.pop("title"), defaults=spec
        )
        offer_set_areas(found, areas)
    actor = User.objects.filter(email=DEMO_ACTOR_EMAIL).first()
    if actor is not None:
        for name in DEMO_ACTOR_ORGANISATIONS:
            Membership.objects.get_or_create(
                user=actor,
                organisation=organisation(name),
                defaults={"role": MembershipRole.ADMIN},
            )
    return len(OFFERS)
