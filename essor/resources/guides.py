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

GUIDES = (SOCIAL_INNOVATION, COOPERATION, PUBLIC_PURCHASING)
BY_SLUG = {guide.slug: guide for guide in GUIDES}
