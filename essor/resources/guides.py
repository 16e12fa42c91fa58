"""Guides the resource centre ships, written in the code like the responsible-purchasing
guide (purchasing_guide.py), served at /ressources/guides/<slug>/ before the staff's
Markdown pages (issue 21, Deliver 1). Built only from the 2016 report (quoted word for
word, emphasis marks of the PDF extraction removed) and the platform's own pages."""

import datetime
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    paragraphs: tuple
    source: str = ""


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    author: str
    reviewed_on: datetime.date
    sections: tuple
    # (label, URL name, args, query): platform items the guide leads to.
    links: tuple
    # A section drawn from the platform's catalogue at each reading (services.guide_catalogue).
    catalogue: str = ""

    @property
    def words(self):
        return sum(len(p.split()) for s in self.sections for p in s.paragraphs)

    @property
    def reading_minutes(self):
        return max(1, round(self.words / 200))

    def text(self):
        return " ".join(p for s in self.sections for p in (s.title, *s.paragraphs))

    def related(self):
        return [
            (label, reverse(name, args=args) + (f"?{query}" if query else ""))
            for label, name, args, query in self.links
        ]


REPORT = "L'économie sociale et solidaire en Aquitaine Limousin Poitou-Charentes — État des lieux et perspectives (CRESS Aquitaine, CRESS Limousin, CRESS Poitou-Charentes, 2016)"

SOCIAL_INNOVATION = Guide(
    slug="innovation-sociale",
    title="L'innovation sociale : une définition partagée",
    summary="La définition de l'innovation sociale du Conseil supérieur de l'ESS (CSESS), "
    "telle que l'état des lieux de 2016 la cite, et ce qu'il en dit pour la région.",
    author="CRESS, d'après l'état des lieux 2016 des trois CRESS",
    reviewed_on=datetime.date(2026, 12, 7),
    sections=(
        Section(
            "definition",
            "La définition du CSESS",
            ('Selon le Conseil supérieur de l\'économie sociale et solidaire (CSESS) l\'innovation sociale se définit ainsi : "L\'innovation sociale consiste à élaborer des réponses nouvelles à des besoins sociaux nouveaux ou mal satisfaits dans les conditions actuelles du marché et des politiques sociales, en impliquant la participation et la coopération des acteurs concernés, notamment des utilisateurs et des usagers. Ces innovations concernent aussi bien le produit ou le service, que le mode d\'organisation, de distribution, dans des domaines comme le vieillissement, la petite enfance, le logement, la santé, la lutte contre la pauvreté, l\'exclusion, les discriminations... Elles passent par un processus en plusieurs démarches : émergence, expérimentation, diffusion, évaluation."',),
            source="Rapport 2016, Innover › Introduction (ligne 636)",
        ),
        Section(
            "innovation-et-ess",
            "L'innovation dans l'ESS",
            ("En perpétuel renouvellement et adaptation, les structures de l'économie sociale et solidaire sont depuis longtemps des acteurs majeurs de l'innovation. Ils repensent et renouvellent constamment l'utilité sociale de leur projet, leurs modes de gouvernance et leurs pratiques apportant ainsi une vision nouvelle du rapport au travail, à l'entreprise et à l'outil de production.", "L'innovation, de manière générale, peut être technologique ou industrielle mais elle est également sociale et organisationnelle, elle peut prendre place dans tous types de secteurs public ou privé. Ses champs d'intervention sont nombreux et concernent tous les domaines d'activité : santé, communication, travail, action sociale, énergie, etc.", "L'innovation sociale, quant à elle, regroupe des définitions plurielles et parfois un peu floues."),
            source="Rapport 2016, Innover › Introduction (lignes 630 à 634)",
        ),
        Section(
            "formes",
            "Des innovations d'usages, de produits, d'organisation, de territoire",
            ("On y retrouve des innovations sociales d'usages, de produits ou de services, organisationnelles ou territoriales ou qui peuvent intervenir dans le cadre d'un objet de recherche. Ces innovations sont fortement liées aux spécificités du territoire au sein duquel elles émergent et aboutissent à des nouveaux modèles de développement, de coopération ou de gouvernance.", "L'innovation est donc un axe majeur du développement de l'économie sociale et solidaire malgré les difficultés rencontrées par les structures pour être financées et accompagnées et ceci du fait du caractère bien particulier de ces innovations.", "Le SRDEII doit permettre une réelle prise en compte des projets d'innovations comme vecteurs de changement et comme réponses aux défis de notre société. Cela nécessite la mise en place d'un écosystème favorable au développement, au financement de ces projets et à la démultiplication des solutions émergentes."),
            source="Rapport 2016, Innover › Introduction (lignes 638 à 642)",
        ),
        Section(
            "faire-connaitre",
            "La faire connaître",
            ("L'innovation sociale est souvent méconnue du grand public en partie dû au fait que la définition de l'innovation est souvent associée à l'innovation technologique. Pour favoriser une meilleure prise en compte de l'IS il est nécessaire voire indispensable de sensibiliser, promouvoir et vulgariser l'innovation sociale, auprès des collectivités afin de mieux appréhender les projets en développement et d'autre part auprès des entrepreneurs de demain via notamment les cursus de formation ou d'information.",),
            source="Rapport 2016, Innover › Reconnaissance de l'innovation sociale (ligne 696)",
        ),
    ),
    links=(
        ("L'état des lieux 2016 dans la bibliothèque", "resources:study",
         ("etat-des-lieux-ess-2016",), ""),
        ("Les pistes d'action du rapport et leur suivi", "consultation:process",
         ("etat-des-lieux-2016",), ""),
        ("Les initiatives de la région", "initiatives:index", (), ""),
        ("Les formations sur l'innovation sociale", "resources:trainings", (),
         "q=innovation+sociale"),
        ("Trouver un accompagnement", "support:index", (), ""),
        ("Les outils de financement", "financing:index", (), ""),
        ("Qu'est-ce que l'ESS ?", "resources:what_is_ess", (), ""),
    ),
)  # fmt: skip

COOPERATION = Guide(
    slug="cooperer-et-mutualiser",
    title="Coopérer et mutualiser",
    summary="Pourquoi et comment les acteurs de l'ESS coopèrent et mutualisent, d'après "
    "l'état des lieux de 2016, et où trouver sur la plateforme les partenaires, les lieux "
    "et les formes juridiques pour le faire.",
    author="CRESS, d'après l'état des lieux 2016 des trois CRESS",
    reviewed_on=datetime.date(2026, 12, 7),
    sections=(
        Section(
            "pilier",
            "Un pilier de l'ESS",
            ("La coopération est un pilier historique et fondamental de l'économie sociale et solidaire. Valeur primordiale, elle s'inscrit aujourd'hui comme axe de travail dans le cadre de la conférence régionale de l'ESS du 4 juillet 2016.", "Qu'elle soit économique, territoriale, ou dans l'entreprise, toute forme de coopération génère des externalités positives. En ESS, comme ailleurs, un et un font bien souvent trois.", "La coopération passe cependant également par la compréhension. Les acteurs de l'ESS coopèrent entre eux, certes. Mais ils ont aussi l'envie et le besoin de coopérer en premier lieu avec les élus, mais aussi avec les entreprises dites « classiques », en particulier celles de leur territoire."),
            source="Rapport 2016, Coopérer › Introduction (lignes 380 à 384)",
        ),
        Section(
            "mutualiser",
            "Mutualiser",
            ("Le développement de solutions mutualisées permet de réaliser des économies d'échelle en terme d'emploi, de formation, d'équipement, ou de compétences techniques, tout en faisant émerger des dynamiques collectives. De plus le contexte de fusion des Régions nécessite de créer les conditions d'une dynamique de rapprochement entre les acteurs des 3 anciennes régions, et de les accompagner dans les démarches de fusion / rapprochement.", 'Au niveau local, proposer des structures ou des services administratifs supports territorialisés permet aux associations et entreprises de petites tailles de se concentrer sur leur activité principale et se développer.'),
            source="Rapport 2016, Coopérer › Coopération entre acteurs de l'ESS (lignes 516 à 518)",
        ),
    ),
    links=(
        ("Offres et besoins de coopération", "cooperation:index", (), ""),
        ("Le groupement d'employeurs", "resources:legal_form", ("groupement-d-employeurs",), ""),
        ("La SCIC", "resources:legal_form", ("scic",), ""),
        ("Les initiatives de coopération", "initiatives:index", (), ""),
        ("L'état des lieux 2016 dans la bibliothèque", "resources:study",
         ("etat-des-lieux-ess-2016",), ""),
        ("Les pistes d'action du rapport et leur suivi", "consultation:process",
         ("etat-des-lieux-2016",), ""),
        ("Trouver un accompagnement", "support:index", (), ""),
    ),
)  # fmt: skip

PUBLIC_PURCHASING = Guide(
    slug="repondre-ensemble-a-la-commande-publique",
    title="Répondre ensemble à la commande publique",
    summary="Ce que l'état des lieux de 2016 demande pour que les acteurs de l'ESS répondent "
    "ensemble aux marchés publics et privés, et les outils de la plateforme pour le faire.",
    author="CRESS, d'après l'état des lieux 2016 des trois CRESS",
    reviewed_on=datetime.date(2026, 12, 7),
    sections=(
        Section(
            "achats-responsables",
            "Des achats responsables en concertation avec l'ESS",
            ("La coopération entre les collectivités locales et l'ESS, qu'elle porte sur les financements ou sur des partenariats plus développés est importante. Historiquement, les associations ont été pionnières de nombreux dispositifs sociaux. Il faut renforcer la proximité, la mise en réseau et le développement des synergies entre les collectivités et les acteurs locaux de l'ESS. Cela passe par le fait d'encourager les politiques d'achats responsables dans la commande publique en concertation avec les réseaux de l'ESS (CRESS, réseaux de l'IAE, URSCOP...) pour identifier les freins et les leviers et y apporter des solutions adaptées.",),
            source="Rapport 2016, Coopérer › Coopération entre collectivités et ESS (ligne 610)",
        ),
        Section(
            "pistes",
            "Les pistes d'action du rapport",
            ("Accompagner les acteurs de l'ESS à s'organiser pour répondre à la commande publique ou privée : formations, accompagnement, création de consortiums ou de GIE, groupements solidaires...", 'Généraliser les clauses sociales et les marchés réservés quand cela est possible dans la commande publique.', "Développer un annuaire des achats responsables en région ALPC pour faciliter les recherches des donneurs d'ordre publics ou privés."),
            source="Rapport 2016, Coopérer › Coopération entre collectivités et ESS, pistes "
            "d'action (lignes 620 à 624)",
        ),
    ),
    links=(
        ("Le guide des achats responsables (marchés réservés, clauses sociales)",
         "resources:purchasing_guide", (), ""),
        ("Trouver des fournisseurs de l'ESS", "purchasing:sourcing", (), ""),
        ("Les besoins d'achat publiés", "purchasing:needs", (), ""),
        ("Offres et besoins de coopération", "cooperation:index", (), ""),
        ("La SCIC", "resources:legal_form", ("scic",), ""),
        ("Les pistes d'action du rapport et leur suivi", "consultation:process",
         ("etat-des-lieux-2016",), ""),
        ("L'état des lieux 2016 dans la bibliothèque", "resources:study",
         ("etat-des-lieux-ess-2016",), ""),
    ),
)  # fmt: skip

CREATE = Guide(
    slug="creer-une-activite",
    title="Créer une activité dans l'ESS",
    summary="Les étapes de la création d'une entreprise de l'ESS et qui aide à chacune : ce "
    "que l'état des lieux de 2016 en dit, et les accompagnements que le catalogue de la "
    "plateforme propose aujourd'hui pour chaque étape.",
    author="CRESS, d'après l'état des lieux 2016 des trois CRESS",
    reviewed_on=datetime.date(2026, 12, 7),
    catalogue="support_phases",
    sections=(
        Section(
            "question",
            "La question de départ",
            (
                "Comment créer davantage d'entreprises de l'économie sociale et solidaire et lorsqu'elles existent comment les pérenniser et les développer ?",
                "Le principal frein identifié est la méconnaissance de l'ESS, de l'activité de ces entreprises, des valeurs qu'elles portent et des plus-values qu'elles génèrent. Cette difficulté à appréhender cette forme d'entrepreneuriat apparaît à tous les niveaux.",
                "Ainsi, le premier point qui est ressorti est le fait que pour développer l'entrepreneuriat en ESS, il faut donner les clés de compréhension du secteur.",
            ),
            source="Rapport 2016, Entreprendre › Introduction (lignes 109 à 115)",
        ),
        Section(
            "vers-qui-se-tourner",
            "Vers qui se tourner ?",
            (
                "Il apparaît également dans les échanges le besoin de centraliser l'information et les ressources d'appui à l'ESS. Cette centralisation des ressources peut passer par exemple par la création d'un portail internet commun ou par des lieux partagés et doit pouvoir répondre à une question simple : vers qui se tourner pour une question qui concerne l'ESS ? Outre ce repérage des acteurs de soutien et conseils, il est important pour les acteurs de l'ESS d'avoir accès à une information qualifiée et des conseils d'expertise. L'idée doit être de créer un maillage d'acteurs sur les territoires en déterminant la qualification de chacun (de la première information jusqu'à l'expertise technique).",
                "La notion de territoire est apparue comme une notion fondamentale pour assurer le développement de l'entrepreneuriat en ESS.",
            ),
            source="Rapport 2016, Entreprendre › Introduction (lignes 119 à 121)",
        ),
        Section(
            "connaitre-l-ess",
            "Connaître l'ESS et ses formes d'entreprendre",
            (
                "Tous les porteurs de projet devraient être informés sur l'ESS et ses différentes formes d'entreprendre lors de leur parcours de création. Pour cela, les prescripteurs (Pôle Emploi, Chambres consulaires, incubateurs...) et les acteurs de l'accompagnement (réseaux d'accompagnement, experts comptables...) doivent connaître l'ESS et transmettre ces informations aux porteurs de projet comme une alternative viable parmi d'autres pour créer leur activité.",
                'Créer un document "parcours du créateur" reprenant les caractéristiques des structures ESS, les différentes formes pour entreprendre, les acteurs et dispositifs présents sur le territoire.',
                "Soutenir l'accompagnement pair à pair (mentorat, cercle d'entrepreneurs, mécénat de compétence, transfert de savoir faire...).",
            ),
            source="Rapport 2016, Entreprendre › Faire connaître aux porteurs de projets l'ESS et ses possibilités (lignes 147 à 159)",
        ),
        Section(
            "chaine-d-accompagnement",
            "Une chaîne d'accompagnement, de l'idée au développement",
            (
                "De nombreux dispositifs d'aide et d'accompagnement à la création sont déjà en place, mais ils manquent de lisibilité et de coordination entre les différents acteurs économiques. Il faut pouvoir disposer d'une chaîne d'accompagnement lisible et efficace sur tous les territoires pour les porteurs de projet quel que soit le stade d'avancement du projet. Il apparaît nécessaire de disposer de ressources transversales à l'ESS, mais également propres à chaque territoire et secteur d'activité.",
                "La Région Limousin a mis en place et animait Objectif création, un bouquet de services qui permet la sensibilisation à la découverte de la création d'entreprise ainsi que l'accompagnement au montage d'un projet de création d'entreprise, notamment de création d'entreprise de l'ESS avec un suivi post création.",
                "Identifier les phases de vie d'une entreprise de l'ESS et les accompagnateurs les plus adaptés à chacune. Co-construire les phases d'accompagnement, de l'idée au démarrage du projet, puis au développement.",
                'Réaliser une cartographie des acteurs et de leurs offres de services, de façon territoriale et sectorielle.',
            ),
            source="Rapport 2016, Entreprendre › Disposer d'une chaîne d'accompagnement visible et efficace (lignes 171 à 185)",
        ),
        Section(
            "se-former",
            "Se former",
            (
                "Il y a un déficit de formations dédiées à la création d'entreprises en économie sociale et solidaire. Offrir un cadre de formation pour les porteurs de projets permet de les orienter lorsqu'ils ont des difficultés à identifier les opérateurs vers qui se tourner pour trouver une offre de formation adaptée qui corresponde à leurs attentes.",
            ),
            source="Rapport 2016, Entreprendre › Accompagner la montée en compétence les porteurs de projets (ligne 193)",
        ),
    ),
    links=(
        ("« Vers qui me tourner ? » : l'assistant d'orientation", "support:orientation", (), ""),
        ("Les offres d'accompagnement à l'étape de l'idée", "support:offers", (), "etape=idea"),
        ("Les offres d'accompagnement à la création", "support:offers", (), "etape=creation"),
        ("Quelle forme juridique pour mon projet ?", "resources:legal_form_chooser", (), ""),
        ("Le guide des formes juridiques", "resources:legal_forms", (), ""),
        ("La coopérative d'activité et d'emploi (CAE)", "resources:legal_form", ("cae",), ""),
        ("Les formations pour les porteurs de projet", "resources:trainings", (), ""),
        ("Les outils de financement à l'étape de la création", "financing:index", (),
         "phase=creation"),
        ("Les initiatives de la région", "initiatives:index", (), ""),
        ("L'état des lieux 2016 dans la bibliothèque", "resources:study",
         ("etat-des-lieux-ess-2016",), ""),
    ),
)  # fmt: skip

FINANCE = Guide(
    slug="financer-son-projet",
    title="Financer son projet",
    summary="Les financements d'un projet de l'ESS et leur ordre, de l'amorçage au "
    "développement : ce que l'état des lieux de 2016 en dit, et les instruments que le "
    "catalogue de la plateforme propose aujourd'hui à chaque étape.",
    author="CRESS, d'après l'état des lieux 2016 des trois CRESS",
    reviewed_on=datetime.date(2026, 12, 7),
    catalogue="financing_phases",
    sections=(
        Section(
            "memes-aides",
            "Les mêmes aides, et des aides dédiées",
            (
                "Il y a aussi la volonté que l'ESS ne soit pas traitée à part mais qu'elle s'intègre aussi pleinement dans des dispositifs existants et que les entreprises de l'ESS puissent prétendre dès leur création aux mêmes aides que les entreprises hors ESS. Cela ne veut pas dire pour autant qu'il ne faut pas également créer des aides bonifiées et des dispositifs dédiés pour prendre en compte les spécificités des entreprises ESS et valoriser leurs plus-values sociales et sociétales.",
                "La consultation des acteurs de l'ESS fait ressortir plusieurs constats : certaines aides ne sont pas ouvertes aux acteurs de l'ESS, et la vision de l'ESS est souvent limitée aux dimensions sociales ou d'insertion. Ces constats amènent à penser que l'entrepreneuriat ESS souffre d'un manque de reconnaissance institutionnelle.",
            ),
            source="Rapport 2016, Entreprendre › Introduction et Reconnaître l'entrepreneuriat ESS (lignes 123 et 245)",
        ),
        Section(
            "modele-hybride",
            "Un temps plus long, un modèle économique hybride",
            (
                "Cet enjeu part de deux constats : d'une part, le constat est fait que les structures ESS qui sont créées sont issues d'un travail pré-crédation en moyenne plus long qu'une structure hors ESS. Cette différence s'explique notamment par la nature collective des projets et par des modèles économiques souvent hybrides. Ces deux aspects nécessitent un temps de mise en mouvement plus long que pour un projet individuel marchand « classique ». D'autre part, les structures ESS s'appuient pour la plupart sur un modèle économique hybride mêlant des financements publics et privés, des ventes de prestations, des missions d'intérêt général, des aides aux postes... La gestion de ces structures s'en trouve complexifiée avec notamment des financements publics questionnés à chaque fin d'exercice.",
                "Le programme d'incubation Fonds de Confiance de France Active permet à un porteur de projet de se faire salarier et accompagner par une entreprise existante pendant la phase d'étude de faisabilité de son projet.",
            ),
            source="Rapport 2016, Entreprendre › Prendre en compte les spécificités des projets ESS (lignes 257 à 261)",
        ),
        Section(
            "chaque-phase",
            "Des outils pour chaque phase de la vie de l'entreprise",
            (
                "Créer ou développer des outils financiers dédiés à différentes phases de la vie de l'entreprise : amorçage, reprise en SCIC/SCOP, start up : bancarisation, micro-finance, finance solidaire, fonds d'investissement...",
                "Prendre en considération le financement solidaire dans les politiques publiques : accompagner le développement des acteurs de la finance solidaire pour soutenir les initiatives ESS, soutenir les innovations de la finance solidaire en réponse aux besoins émergents et aux nouvelles formes d'entreprendre.",
                "Soutenir les structures et dispositifs d'accompagnement (DLA) qui sont des outils complémentaires aux dispositifs de financements (professionnalisation, outils de gestion, optimisation de l'organisation et de la fonction RH) aussi bien pour les structures existantes que pour les porteurs de projet.",
                'Apporter un soutien technique aux structures pour les informer et les accompagner dans le recours aux financements européens.',
            ),
            source="Rapport 2016, Entreprendre › pistes d'action (lignes 271 à 282)",
        ),
        Section(
            "simplifier",
            "Simplifier : référencer, dossier unique, tour de table",
            (
                "Il est constaté une complexité grandissante des conditions d'accès et de gestion des financements publics. Les modalités de financement et de demande de financement, les indicateurs de suivi, les bilans et le niveau de contrôle demandés varient à chaque financeur et évoluent à chaque exercice et à chaque projet. Au regard de ces contraintes, un certain nombre de porteurs de projet renoncent à solliciter des financements publics (européens mais pas que ...). Par ailleurs, des structures bénéficiant de financements publics se voient obligées de consacrer de plus en plus de temps à la recherche et la gestion de financement au détriment du temps consacré à l'activité de la structure et à ses bénéficiaires.",
                'Référencer et diffuser les différents acteurs et outils de financement.',
                'Mettre en place un dossier unique de demande de financement.',
                "Généraliser et faciliter la mise en place de tour de table financier lors de l'intervention de plusieurs acteurs publics.",
            ),
            source="Rapport 2016, Entreprendre › Simplifier l'accès au financement (lignes 286 à 298)",
        ),
        Section(
            "innover",
            "Financer l'innovation et l'épargne citoyenne",
            (
                "La mise en œuvre de projets innovants, citoyens, nécessitent pour les porteurs de projet un travail préparatoire lourd en énergie et en temps. Il apparaît nécessaire de pérenniser et développer l'offre de financement permettant aux porteurs de projets de développer des projets ambitieux. Par ailleurs, pour notamment orienter les projets sur des sujets prioritaires, les pouvoirs publics ont généralisé le recours aux appels d'offres. S'il est naturel de chercher à structurer l'offre des acteurs bénéficiant de financement public, il en ressort cependant quelques effets pervers.",
                "La recherche de financement et les réponses aux appels d'offres ont tendance à mettre les structures en concurrence entre elles au lieu de favoriser l'inter-coopération. Les appels d'offres ciblent des projets qui doivent rentrer parfaitement dans les « cases » de l'appel à projets. Il en résulte que les projets innovants, hybrides, coconstruits ne sont souvent pas retenus car ne répondant pas parfaitement aux critères de l'appel à projets. Enfin, un autre effet négatif qui ressort est que les appels d'offre génèrent une relation donneur d'ordre/prestataires entre institutionnels et acteurs privés. Ce type de relations a tendance à casser l'échange, le partenariat, les relations de confiance entre institutionnels et acteurs économiques privés.",
                "Une CIGALES (Club d'Investisseurs pour une Gestion Alternative et Locale de l'Épargne Solidaire) est une structure de capital risque solidaire mobilisant l'épargne de ses membres au service de la création et du développement de petites entreprises locales et collectives (SARL, SCOP, SCIC, SA, association, ...).",
                "C'est un lieu d'échanges et d'auto-formation sur les questions économiques et de développement local, où investisseurs et porteurs de projet font l'expérience d'une économie socialement responsable et solidaire.",
            ),
            source="Rapport 2016, Entreprendre › Impulser des dynamiques innovantes et citoyennes (lignes 302 à 310)",
        ),
    ),
    links=(
        ("Le catalogue des outils de financement", "financing:index", (), ""),
        ("Mes financements possibles", "financing:matching", (), ""),
        ("Le calendrier des appels à projets", "financing:calendar", (), ""),
        ("Le dossier unique de demande de financement", "financing:dossiers", (), ""),
        ("L'épargne solidaire (CIGALES…)", "financing:index", (), "instrument=solidarity_savings"),
        ("Les prêts d'honneur", "financing:index", (), "instrument=honour_loan"),
        ("Les accompagnements au financement", "support:offers", (), "aide=funding"),
        ("« Vers qui me tourner ? » : l'assistant d'orientation", "support:orientation", (), ""),
        ("La SCIC", "resources:legal_form", ("scic",), ""),
        ("L'état des lieux 2016 dans la bibliothèque", "resources:study",
         ("etat-des-lieux-ess-2016",), ""),
    ),
)  # fmt: skip

GUIDES = (CREATE, FINANCE, SOCIAL_INNOVATION, COOPERATION, PUBLIC_PURCHASING)
BY_SLUG = {guide.slug: guide for guide in GUIDES}
