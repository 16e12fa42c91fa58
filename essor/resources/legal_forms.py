"""The legal-forms guide: what each form of the ESS means for its members, governance,
profits and financing, with the text of law it rests on.

Written by the ESSor team from the texts cited for each form; it describes the general
rule, not every case. Figures that vary with the chosen company form or that are set by
decree are flagged « à vérifier »: the reader is sent to a support actor before deciding.
"""

from dataclasses import dataclass, field

CRITERIA = [
    ("members", "Membres"),
    ("governance", "Gouvernance"),
    ("profits", "Utilisation des bénéfices"),
    ("reserves", "Réserves impartageables"),
    ("capital", "Capital minimum"),
    ("who", "Qui peut être membre ?"),
    ("financing", "Financements typiques"),
]


@dataclass(frozen=True)
class LegalFormSheet:
    slug: str
    name: str
    short: str
    law: str
    members: str
    governance: str
    profits: str
    reserves: str
    capital: str
    who: str
    financing: str
    notes: list = field(default_factory=list)

    def cells(self):
        return [(label, getattr(self, key)) for key, label in CRITERIA]


LEGAL_FORMS = [
    LegalFormSheet(
        slug="association",
        name="Association loi 1901",
        short="Des personnes qui mettent en commun leurs activités dans un but autre que le partage des bénéfices.",
        law="Loi du 1er juillet 1901 relative au contrat d'association et décret du 16 août 1901 (en Alsace-Moselle : droit local, code civil local).",
        members="Au moins deux personnes, les membres (ou adhérents).",
        governance="Libre, fixée par les statuts. En général, une assemblée générale des membres élit un conseil d'administration et un bureau ; souvent, une personne = une voix.",
        profits="Aucun partage entre les membres : c'est la définition même de l'association. Les excédents restent dans l'association et servent son projet.",
        reserves="Oui, de fait : le patrimoine n'est jamais partagé entre les membres, même à la dissolution (il est attribué selon les statuts, en général à une structure au but proche ; seuls des apports peuvent être repris si c'était prévu).",
        capital="Pas de capital social ; aucune somme minimale pour la créer.",
        who="Toute personne physique ou morale (personnes, associations, entreprises, collectivités…), selon les statuts ; des mineurs peuvent adhérer.",
        financing="Cotisations, dons et mécénat, subventions, ventes de biens et de services, titres associatifs, prêts et garanties (dont France Active).",
        notes=[
            "Une association qui vend des biens ou des services de façon importante peut être soumise aux impôts commerciaux : faites vérifier sa situation fiscale.",
            "Elle peut demander l'agrément ESUS si elle remplit ses conditions.",
        ],
    ),
    LegalFormSheet(
        slug="scop",
        name="SCOP (société coopérative de production)",
        short="Une société dont les salariés sont les associés majoritaires et décident ensemble.",
        law="Loi n° 78-763 du 19 juillet 1978 portant statut des sociétés coopératives de production ; loi n° 47-1775 du 10 septembre 1947 portant statut de la coopération.",
        members="Des associés, dont les salariés associés sont majoritaires : ils détiennent au moins 51 % du capital et 65 % des droits de vote.",
        governance="Une personne = une voix en assemblée générale, quel que soit le capital détenu. Les dirigeants sont élus par les associés. Forme SARL, SAS ou SA.",
        profits="Partage fixé par la loi : une part pour tous les salariés (au moins 25 % des bénéfices), une part pour les réserves, et des dividendes qui ne peuvent dépasser ni la part des salariés ni celle des réserves.",
        reserves="Oui : elles ne reviennent jamais aux associés, ni à leur départ ni à la dissolution (le boni de liquidation va à d'autres coopératives ou à des œuvres d'intérêt général).",
        capital="En général 30 € en SARL (deux associés au moins), montant libre en SAS, 18 500 € en SA (sept associés au moins). À vérifier avec l'union régionale des SCOP (URSCOP).",
        who="Les salariés (qui deviennent associés selon les règles des statuts) et des associés extérieurs, personnes physiques ou morales, qui restent minoritaires.",
        financing="Apports des salariés associés (souvent une retenue sur salaire), mise en réserve des bénéfices, prêts bancaires, outils financiers du réseau des SCOP, titres participatifs, France Active.",
        notes=[
            "Une entreprise existante peut se transformer en SCOP, par exemple lors de la transmission à ses salariés.",
        ],
    ),
    LegalFormSheet(
        slug="scic",
        name="SCIC (société coopérative d'intérêt collectif)",
        short="Une coopérative qui associe salariés, usagers et autres acteurs (bénévoles, collectivités…) autour d'un bien ou service d'intérêt collectif.",
        law="Loi n° 47-1775 du 10 septembre 1947, titre II ter (articles 19 quinquies et suivants), créé par la loi n° 2001-624 du 17 juillet 2001.",
        members="Au moins trois catégories d'associés, dont obligatoirement les salariés (ou, à défaut, les producteurs) et les bénéficiaires (clients, usagers) ; la troisième au choix : bénévoles, collectivités, financeurs, partenaires…",
        governance="Une personne = une voix ; les statuts peuvent créer des collèges de vote, chacun entre 10 % et 50 % des voix. Forme SARL, SAS ou SA.",
        profits="Au moins 57,5 % des excédents vont aux réserves impartageables ; le reste peut rémunérer les parts sociales, dans une limite fixée par la loi.",
        reserves="Oui, comme dans toute coopérative : elles ne sont jamais distribuées.",
        capital="Celui de la forme choisie : faible en SARL et en SAS, plus élevé en SA. À vérifier avec l'URSCOP.",
        who="Toute personne physique ou morale qui contribue à l'activité : salariés, usagers, bénévoles, entreprises, associations, financeurs ; les collectivités territoriales peuvent détenir jusqu'à 50 % du capital.",
        financing="Capital apporté par les différentes catégories d'associés (dont les collectivités), réserves, subventions, prêts, titres participatifs, France Active.",
        notes=[
            "Dans l'état des lieux 2016, la SCIC L'Arban et la SCIC Culture et Santé sont citées en exemples d'initiatives.",
        ],
    ),
    LegalFormSheet(
        slug="cae",
        name="CAE (coopérative d'activité et d'emploi)",
        short="Une coopérative où l'on crée son activité avec le statut de salarié, en partageant les services d'une entreprise commune.",
        law="Loi n° 2014-856 du 31 juillet 2014 relative à l'ESS, article 47 ; code du travail, articles L. 7331-1 et suivants (entrepreneur salarié associé).",
        members="Des entrepreneurs salariés, qui développent chacun leur activité, et l'équipe permanente de la coopérative.",
        governance="Celle d'une coopérative (le plus souvent une SCOP, parfois une SCIC) : une personne = une voix. L'entrepreneur salarié devient associé au plus tard trois ans après la signature de son contrat.",
        profits="Comme en SCOP ou en SCIC. Chaque entrepreneur est payé par un salaire tiré du chiffre d'affaires de sa propre activité, après une contribution aux services communs (souvent un pourcentage du chiffre d'affaires).",
        reserves="Oui : les réserves de la coopérative sont impartageables.",
        capital="Celui de la coopérative qui porte la CAE. L'entrepreneur n'a pas de société à créer : il entre dans la coopérative (et y prend des parts en devenant associé).",
        who="Toute personne qui veut créer son activité avec le statut de salarié ; chaque CAE fixe ses conditions d'accueil.",
        financing="Contributions des entrepreneurs sur leur chiffre d'affaires, subventions publiques pour l'accueil et l'accompagnement des porteurs de projet, prêts.",
        notes=[
            "Le réseau Coopérer pour Entreprendre, cité dans l'état des lieux 2016, réunit des CAE autour d'une charte commune.",
        ],
    ),
    LegalFormSheet(
        slug="groupement-d-employeurs",
        name="Groupement d'employeurs (GE)",
        short="Des employeurs qui embauchent ensemble des salariés et se les partagent.",
        law="Code du travail, articles L. 1253-1 et suivants (issus de la loi n° 85-772 du 25 juillet 1985).",
        members="Des employeurs : entreprises, associations, exploitants agricoles, et sous conditions des collectivités territoriales.",
        governance="Celle de sa forme juridique, le plus souvent une association loi 1901 (parfois une coopérative) : en général, un adhérent = une voix.",
        profits="But non lucratif : le groupement met ses salariés à la disposition de ses membres au coût réel (salaires et frais de gestion), sans marge à partager.",
        reserves="Comme une association : pas de partage entre membres. Attention : les membres sont solidairement responsables des dettes du groupement envers les salariés et les organismes sociaux.",
        capital="Pas de capital en association ; prévoir une trésorerie pour payer les salaires avant de facturer les membres.",
        who="Toute personne physique ou morale qui emploie ou veut employer ; l'adhésion des collectivités territoriales est encadrée par le code du travail (à vérifier).",
        financing="Facturation des mises à disposition aux membres ; aides publiques possibles au démarrage. Les GEIQ insèrent et qualifient des demandeurs d'emploi.",
        notes=[
            "Le Centre de Ressources des Groupements d'Employeurs (CRGE), cité dans l'état des lieux 2016, accompagne les porteurs de projet de GE.",
        ],
    ),
    LegalFormSheet(
        slug="mutuelle",
        name="Mutuelle",
        short="Un groupement de personnes qui s'assurent et s'entraident, sans actionnaires.",
        law="Code de la mutualité, notamment article L. 111-1 : mutuelles et unions du livre II (assurance) et du livre III (œuvres sociales : centres de santé, établissements…).",
        members="Des membres participants, qui bénéficient des prestations, et des membres honoraires, qui cotisent ou rendent des services sans en bénéficier.",
        governance="Assemblée générale des membres ou de leurs délégués, une personne = une voix ; conseil d'administration élu parmi les membres.",
        profits="But non lucratif : ni actionnaires ni dividendes. Les excédents servent les prestations, les réserves et le développement des services aux membres.",
        reserves="Oui : les fonds propres appartiennent à la mutuelle et ne sont pas partagés entre les membres.",
        capital="Pas de capital social. Un fonds d'établissement est exigé ; une mutuelle d'assurance (livre II) doit aussi être agréée par l'ACPR et respecter des exigences de fonds propres élevées (Solvabilité II).",
        who="Des personnes physiques, qui adhèrent seules ou par un contrat collectif de leur employeur.",
        financing="Cotisations des membres ; pour les œuvres sociales (livre III), aussi les recettes des services et des financements publics.",
        notes=[
            "Créer une mutuelle d'assurance est rare pour un porteur de projet : les règles prudentielles sont lourdes. Un projet de santé ou de prévoyance passe souvent par un partenariat avec une mutuelle existante.",
        ],
    ),
    LegalFormSheet(
        slug="fondation",
        name="Fondation",
        short="Des biens ou des ressources affectés pour toujours à une œuvre d'intérêt général.",
        law="Loi n° 87-571 du 23 juillet 1987 sur le développement du mécénat, articles 18 et suivants (fondation reconnue d'utilité publique, fondation d'entreprise, fondation abritée).",
        members="Pas de membres : un ou plusieurs fondateurs affectent de façon irrévocable des biens, droits ou ressources à une œuvre d'intérêt général et à but non lucratif.",
        governance="Un conseil d'administration (ou un directoire et un conseil de surveillance) qui réunit fondateurs et personnalités qualifiées ; l'État y est souvent représenté pour une fondation reconnue d'utilité publique.",
        profits="Rien n'est distribué : les ressources financent l'œuvre d'intérêt général.",
        reserves="Oui : la dotation et le patrimoine restent affectés à l'œuvre ; à la dissolution, ils vont à un organisme au but similaire.",
        capital="Pas de capital mais une dotation : importante pour une fondation reconnue d'utilité publique (souvent plus d'un million d'euros en pratique) ; une fondation d'entreprise s'engage sur un programme d'action d'au moins 150 000 €. À vérifier selon le type de fondation.",
        who="Fondateurs : personnes physiques ou morales ; une fondation d'entreprise est créée par des sociétés, des coopératives, des mutuelles, des établissements publics industriels et commerciaux…",
        financing="Revenus de la dotation, dons et legs (qui ouvrent droit à une réduction d'impôt), mécénat, subventions. Une fondation abritée est hébergée par une fondation existante.",
        notes=[
            "La reconnaissance d'utilité publique est accordée par décret en Conseil d'État, après une instruction longue.",
        ],
    ),
    LegalFormSheet(
        slug="fonds-de-dotation",
        name="Fonds de dotation",
        short="Une structure simple à créer pour recevoir des dons et financer des missions d'intérêt général.",
        law="Loi n° 2008-776 du 4 août 2008 de modernisation de l'économie, article 140 ; décret n° 2009-158 du 11 février 2009.",
        members="Pas de membres : un ou plusieurs fondateurs affectent des biens et droits, gratuitement et de façon irrévocable, à une mission d'intérêt général.",
        governance="Un conseil d'administration d'au moins trois membres, nommés la première fois par le ou les fondateurs. Le fonds est déclaré en préfecture.",
        profits="Rien n'est distribué : les revenus de la dotation financent les missions du fonds ou sont reversés à d'autres organismes sans but lucratif.",
        reserves="Oui : la dotation est capitalisée (les statuts peuvent permettre de la consommer) ; à la dissolution, l'actif va à un autre fonds de dotation ou à une fondation reconnue d'utilité publique.",
        capital="Pas de capital ; une dotation initiale d'au moins 15 000 € (décret n° 2015-49 du 22 janvier 2015).",
        who="Fondateurs : toute personne physique ou morale.",
        financing="Dons et legs (qui ouvrent droit à une réduction d'impôt), revenus de la dotation. En principe, aucun fonds public ne peut lui être versé, sauf dérogation.",
        notes=[
            "Dans l'état des lieux 2016, le fonds de dotation la Solidaire, créé par des habitants et des entreprises du plateau de Millevaches, est cité en exemple.",
        ],
    ),
    LegalFormSheet(
        slug="societe-commerciale-ess",
        name="Société commerciale de l'ESS (sans agrément ESUS)",
        short="Une société (SARL, SAS, SA…) dont les statuts respectent les principes de l'ESS.",
        law="Loi n° 2014-856 du 31 juillet 2014 relative à l'ESS, article 1er (II) et article 2 (utilité sociale) ; la société se déclare entreprise de l'ESS lors de son immatriculation au registre du commerce.",
        members="Des associés, comme dans toute société.",
        governance="Démocratique, définie par les statuts : l'information et la participation des associés, des salariés et des parties prenantes ne dépendent pas seulement du capital détenu.",
        profits="Encadrée : au moins 20 % des bénéfices vont à une réserve « fonds de développement » et au moins 50 % au report bénéficiaire et aux réserves obligatoires ; pas de réduction du capital sauf pour pertes ou pour assurer la continuité de l'activité. La société doit rechercher une utilité sociale.",
        reserves="Oui : les réserves obligatoires ne peuvent pas être distribuées ; en cas de liquidation, le boni va à une autre entreprise de l'ESS.",
        capital="Celui de la forme choisie : libre en SARL et en SAS (dès 1 €), 37 000 € en SA.",
        who="Toute personne physique ou morale, comme dans une société classique.",
        financing="Apports en capital et en compte courant, prêts bancaires, investisseurs solidaires (qui acceptent des dividendes limités), outils dédiés à l'ESS (France Active, Bpifrance…).",
        notes=[
            "Une « société à mission » n'est pas pour autant une entreprise de l'ESS : ce sont deux qualités distinctes.",
        ],
    ),
    LegalFormSheet(
        slug="societe-commerciale-ess-esus",
        name="Société commerciale de l'ESS avec agrément ESUS",
        short="Une société commerciale de l'ESS dont l'utilité sociale est le but principal, agréée « entreprise solidaire d'utilité sociale ».",
        law="Loi n° 2014-856 du 31 juillet 2014, articles 1er et 11 ; code du travail, article L. 3332-17-1 (agrément « entreprise solidaire d'utilité sociale »).",
        members="Des associés, comme la société commerciale de l'ESS.",
        governance="Comme la société commerciale de l'ESS ; ses titres ne sont pas négociés sur un marché financier.",
        profits="Comme la société commerciale de l'ESS, et : l'utilité sociale est son objectif principal et pèse de façon significative sur ses comptes ; écarts de salaires limités (moyenne des cinq plus hautes rémunérations au plus sept fois le SMIC annuel, la plus haute au plus dix fois).",
        reserves="Oui, comme la société commerciale de l'ESS.",
        capital="Celui de la forme choisie : libre en SARL et en SAS, 37 000 € en SA.",
        who="Toute personne physique ou morale.",
        financing="En plus : accès à l'épargne salariale solidaire (fonds « 90/10 ») et à des investisseurs et dispositifs réservés aux entreprises solidaires ; avantages fiscaux possibles pour les particuliers qui entrent au capital (à vérifier).",
        notes=[
            "L'agrément est demandé à la préfecture du département (services de l'État chargés de l'emploi). Il est en général accordé pour cinq ans, et pour deux ans à une entreprise de moins de trois ans (à vérifier).",
            "Certaines structures sont agréées de plein droit (structures d'insertion par l'activité économique, entreprises adaptées, ESAT…) ; associations, coopératives, mutuelles et fondations peuvent aussi demander l'agrément.",
        ],
    ),
]

BY_SLUG = {form.slug: form for form in LEGAL_FORMS}


# « Quelle forme pour mon projet ? » — a few questions, points for each form, and the
# reasons that earned them. Deliberately coarse: it orients, a support actor decides.

QUESTIONS = [
    (
        "qui",
        "Qui porte le projet et le décide ?",
        [
            ("benevoles", "Des bénévoles ou des habitants réunis autour d'une cause"),
            ("salaries", "Les personnes qui vont y travailler, ensemble"),
            (
                "multi",
                "Plusieurs sortes d'acteurs : salariés, usagers, bénévoles, collectivité, partenaires",
            ),
            (
                "seul",
                "Moi seul·e : je veux tester puis développer mon activité sans créer de structure",
            ),
            ("employeurs", "Des employeurs qui veulent partager des salariés"),
            (
                "donateurs",
                "Une personne ou une entreprise qui veut consacrer de l'argent ou un patrimoine à une cause",
            ),
            ("associes", "Des associés qui apportent un capital, dans une société"),
        ],
    ),
    (
        "activite",
        "D'où viendront surtout les ressources ?",
        [
            ("non_marchand", "De cotisations, de dons ou de subventions"),
            ("mixte", "De ventes, mais aussi de subventions ou de dons"),
            ("marchand", "Des ventes de biens ou de services"),
        ],
    ),
    (
        "benefices",
        "Que deviendront les bénéfices ?",
        [
            ("aucun", "Rien ne sera partagé : tout reste au projet"),
            (
                "encadre",
                "Une petite part pourra revenir aux associés ou aux salariés, le reste ira en réserve",
            ),
            ("libre", "Les associés veulent pouvoir se les partager librement"),
        ],
    ),
    (
        "utilite",
        "Le projet a-t-il d'abord un but d'utilité sociale (soutien à des personnes fragiles, lien social, éducation populaire, transition écologique…) ?",
        [
            ("principal", "Oui, c'est son but principal"),
            ("en_partie", "En partie"),
            ("non", "Non"),
        ],
    ),
]

RULES = {
    ("qui", "benevoles"): [
        (
            "association",
            3,
            "un collectif de bénévoles ou d'habitants est le cas typique de l'association",
        )
    ],
    ("qui", "salaries"): [
        ("scop", 3, "les salariés y détiennent la majorité du capital et décident ensemble")
    ],
    ("qui", "multi"): [
        (
            "scic",
            3,
            "elle associe obligatoirement salariés et usagers, et peut accueillir bénévoles et collectivités",
        ),
        ("association", 1, "une association peut aussi réunir des membres très divers"),
    ],
    ("qui", "seul"): [
        (
            "cae",
            4,
            "vous testez et développez votre activité avec le statut de salarié, sans créer de structure",
        )
    ],
    ("qui", "employeurs"): [
        (
            "groupement-d-employeurs",
            4,
            "c'est précisément son objet : partager des salariés entre employeurs",
        )
    ],
    ("qui", "donateurs"): [
        (
            "fonds-de-dotation",
            3,
            "il est simple à créer (dotation d'au moins 15 000 €) pour financer des missions d'intérêt général",
        ),
        ("fondation", 2, "elle affecte durablement un patrimoine à une œuvre d'intérêt général"),
    ],
    ("qui", "associes"): [
        (
            "societe-commerciale-ess",
            2,
            "une société classique dans sa forme, qui respecte les principes de l'ESS",
        ),
        (
            "societe-commerciale-ess-esus",
            1,
            "si l'utilité sociale est son but principal, elle peut être agréée ESUS",
        ),
        ("scic", 1, "une coopérative accueille aussi des associés qui apportent du capital"),
    ],
    ("activite", "non_marchand"): [
        (
            "association",
            2,
            "ses ressources peuvent être des cotisations, des dons et des subventions",
        ),
        ("fonds-de-dotation", 1, "il vit de dons et des revenus de sa dotation"),
        ("fondation", 1, "elle vit des revenus de sa dotation, de dons et de mécénat"),
    ],
    ("activite", "mixte"): [
        ("association", 1, "elle peut mêler ventes, dons et subventions"),
        ("scic", 1, "elle peut mêler ventes, subventions et capital apporté par des collectivités"),
        ("societe-commerciale-ess-esus", 1, "l'agrément ESUS ouvre des financements solidaires"),
    ],
    ("activite", "marchand"): [
        ("scop", 1, "c'est une entreprise qui vit de ses ventes"),
        ("scic", 1, "c'est une entreprise qui vit de ses ventes"),
        ("cae", 1, "votre chiffre d'affaires paie votre salaire"),
        ("societe-commerciale-ess", 1, "c'est une entreprise qui vit de ses ventes"),
        ("societe-commerciale-ess-esus", 1, "c'est une entreprise qui vit de ses ventes"),
    ],
    ("benefices", "aucun"): [
        ("association", 1, "aucun bénéfice n'y est partagé"),
        ("fondation", 1, "rien n'y est distribué"),
        ("fonds-de-dotation", 1, "rien n'y est distribué"),
        ("groupement-d-employeurs", 1, "il fonctionne sans but lucratif"),
    ],
    ("benefices", "encadre"): [
        ("scop", 1, "les bénéfices vont aux salariés et aux réserves, les dividendes sont limités"),
        ("scic", 1, "au moins 57,5 % des excédents vont aux réserves"),
        ("cae", 1, "c'est une coopérative aux bénéfices encadrés"),
        ("societe-commerciale-ess", 1, "au moins 50 % des bénéfices restent dans l'entreprise"),
        (
            "societe-commerciale-ess-esus",
            1,
            "au moins 50 % des bénéfices restent dans l'entreprise",
        ),
    ],
    ("utilite", "principal"): [
        (
            "societe-commerciale-ess-esus",
            2,
            "l'agrément ESUS reconnaît une utilité sociale qui est le but principal",
        ),
        ("association", 1, "elle est le cadre habituel des projets d'utilité sociale"),
        ("scic", 1, "elle produit des biens ou des services d'intérêt collectif"),
    ],
    ("utilite", "en_partie"): [
        (
            "societe-commerciale-ess",
            1,
            "une société de l'ESS doit rechercher une utilité sociale, sans qu'elle soit forcément son but principal",
        ),
    ],
    ("utilite", "non"): [
        ("societe-commerciale-ess", -5, ""),
        ("societe-commerciale-ess-esus", -5, ""),
    ],
}


@dataclass
class Suggestion:
    form: LegalFormSheet
    score: int
    reasons: list


def suggest(answers, limit=3):
    """Forms ranked by points, with the reasons behind each; forms with fewer than three
    points are not suggested at all."""
    scores, reasons = {}, {}
    for question, _, _ in QUESTIONS:
        for slug, points, reason in RULES.get((question, answers.get(question)), []):
            scores[slug] = scores.get(slug, 0) + points
            if reason and points > 0:
                reasons.setdefault(slug, []).append(reason)
    ranked = sorted(
        (s for s in scores.items() if s[1] >= 3),
        key=lambda item: (-item[1], [f.slug for f in LEGAL_FORMS].index(item[0])),
    )
    return [
        Suggestion(BY_SLUG[slug], score, reasons.get(slug, [])) for slug, score in ranked[:limit]
    ]


def warnings(answers):
    messages = []
    if answers.get("benefices") == "libre":
        messages.append(
            "Si les associés veulent se partager librement les bénéfices, le projet sort du cadre de l'économie sociale et solidaire : la loi du 31 juillet 2014 exige que les bénéfices soient majoritairement consacrés au maintien ou au développement de l'activité. Une société classique (éventuellement « à mission ») reste possible."
        )
    if answers.get("utilite") == "non":
        messages.append(
            "Une société commerciale n'entre dans l'ESS que si elle recherche une utilité sociale ; associations, coopératives, mutuelles et fondations en font partie du fait de leur statut."
        )
    return messages
