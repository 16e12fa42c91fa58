"""Awareness kits (issue 21, Deliver 4): for each audience the 2016 report names, a set to
download — the outline of a presentation, a one-page leaflet, the key figures with their
source and date — made from the observatory's figures when it is read, so it stays current.
The « why » of each kit is the report's text, quoted word for word."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kit:
    slug: str
    title: str
    audience: str
    pitch: str
    # (paragraph quoted word for word, where in the report)
    quotes: tuple
    # (slide title, (points…)); the key-figures slide is added from the observatory
    slides: tuple
    # (label, URL name, args, query)
    links: tuple

    def related(self):
        from django.urls import reverse

        return [
            (label, reverse(name, args=args) + (f"?{query}" if query else ""))
            for label, name, args, query in self.links
        ]


ELECTED = Kit(
    slug='elus',
    title='Kit pour les élus et leurs services',
    audience='Élus et techniciens des collectivités',
    pitch="L'ESS de la région en chiffres, ce qu'elle apporte au territoire et où trouver ses acteurs, pour un temps de sensibilisation en conseil, en commission ou en formation de début de mandat.",
    quotes=(
        ("La méconnaissance ou connaissance inégale des institutionnels et acteurs économiques des contours, spécificités et enjeux de l'ESS, ne leur permet pas de développer des réponses adaptées au soutien de l'ESS. Il faut que les financeurs et partenaires identifient et sollicitent les acteurs économiques œuvrant dans le champ de l'ESS (CRESS, têtes de réseaux, structures d'accompagnement ...) dans l'élaboration et la mise en œuvre de ses actions en faveur du développement économique.",
         "Rapport 2016, ligne 356"),
        ("Communiquer sur les initiatives de financement remarquables et/ou emblématiques. Sensibiliser des élus et techniciens des collectivités avec un temps dédié à l'ESS lors de leurs formations de début de mandat avec le CNFPT.",
         "Rapport 2016, ligne 253"),
    ),
    slides=(
        ("Ce qu'est l'ESS", ("Associations, coopératives, mutuelles, fondations et sociétés commerciales de l'ESS : une définition par la loi du 31 juillet 2014.", 'Des principes : utilité sociale, gouvernance démocratique, lucrativité limitée.')),
        ('Les acteurs de votre territoire', ("Le portrait de territoire de l'observatoire : établissements, emplois, familles, secteurs.", "L'annuaire des structures de l'ESS, filtré par commune, EPCI ou département.")),
        ("Agir avec l'ESS", ('Les achats responsables : clauses sociales et marchés réservés.', "Les initiatives d'autres territoires, à reprendre.", "Les pistes d'action de l'état des lieux 2016 et leur suivi.")),
    ),
    links=(
        ("Le portrait de l'ESS de votre territoire", 'observatory:index', (), ''),
        ("L'annuaire des structures de l'ESS", 'search:directory', (), ''),
        ('Le guide des achats responsables', 'resources:purchasing_guide', (), ''),
        ('Les initiatives des territoires', 'initiatives:index', (), ''),
        ("Les pistes d'action du rapport et leur suivi", 'consultation:process', ('etat-des-lieux-2016',), ''),
    ),
)  # fmt: skip

STUDENTS = Kit(
    slug='etudiants-enseignants',
    title='Kit pour les étudiants et les enseignants',
    audience='Étudiants, enseignants et jeunes',
    pitch="Découvrir l'ESS en cours ou en atelier : ce qu'elle est, ce qu'elle pèse dans la région, ses métiers et où la voir à l'œuvre.",
    quotes=(
        ("Il existe encore une grande méconnaissance de ce qu'est et de ce que fait l'ESS. Bien qu'une large partie de la population partage des valeurs proches de celles de l'ESS, la plupart ignorent son existence. Les différences et plus-values apportées par les structures ESS (intérêt général, participation citoyenne, lucrativité limitée...) ne sont pas suffisamment perçues, en comparaison à des structures classiques. De plus, la vision de l'ESS est souvent cantonnée au champ du social, de l'insertion ou de la solidarité. Pour se développer, l'ESS a besoin d'être connue largement, notamment auprès des étudiants et des nouveaux actifs.",
         "Rapport 2016, ligne 340"),
        ('Sensibilisation des jeunes collégiens/lycéens grâce à un partenariat CRESS/Rectorat et sensibilisation les jeunes actifs en développant des partenariats avec les missions locales, MFR, Pôle emploi...',
         "Rapport 2016, ligne 352"),
    ),
    slides=(
        ("Qu'est-ce que l'ESS ?", ('Des entreprises qui répondent à un besoin social et se gouvernent démocratiquement.', "Associations, coopératives, mutuelles, fondations, sociétés commerciales de l'ESS.")),
        ("Y travailler, s'y engager", ("Les structures de l'ESS de la région dans l'annuaire.", "Les événements de l'agenda, dont le Mois de l'ESS chaque année en novembre.")),
        ('Entreprendre autrement', ("Les formes juridiques de l'ESS et « quelle forme pour mon projet ? ».", 'Les initiatives et innovations sociales de la région.')),
    ),
    links=(
        ("Qu'est-ce que l'ESS ?", 'resources:what_is_ess', (), ''),
        ("L'innovation sociale : une définition partagée", 'resources:page', ('innovation-sociale',), ''),
        ("L'agenda de l'ESS", 'events:index', (), ''),
        ("L'annuaire des structures de l'ESS", 'search:directory', (), ''),
        ("Les chiffres de l'observatoire", 'observatory:index', (), ''),
    ),
)  # fmt: skip

COMPANIES = Kit(
    slug='entreprises',
    title='Kit pour les entreprises classiques',
    audience="Chefs d'entreprise et entreprises classiques",
    pitch="Travailler avec l'ESS : acheter à ses structures, coopérer, mutualiser, partager des compétences, à partir des chiffres de la région.",
    quotes=(
        ('Bien que présente dans de nombreuses sphères de la vie économique, l\'ESS reste méconnue, et souvent réduite uniquement à son aspect social. Cette méconnaissance minore les possibilités de partenariat avec les acteurs classiques. Il faut réduire les clivages existants entre ESS et entreprises classiques liés à la méconnaissance. Pour cela il faudrait créer ou développer les espaces de rencontre, de dialogue et de mutualisation entre entreprises d\'un territoire, ainsi que travailler sur les points de convergence entre les "deux économies". La RSE semble être un de ces points de rencontre.',
         "Rapport 2016, ligne 469"),
        ("Développer des actions de sensibilisations des chefs d'entreprises, autant classiques que ESS.",
         "Rapport 2016, ligne 479"),
    ),
    slides=(
        ("L'ESS, une économie à part entière", ('Ses établissements et ses salariés dans la région, par famille.', 'Des entreprises de tous les secteurs, pas seulement du social.')),
        ("Acheter à l'ESS", ("Les fournisseurs de l'ESS (SIAE, EA/ESAT, SCOP…) sur la plateforme.", "Publier un besoin d'achat.")),
        ('Coopérer', ("Locaux, matériel, compétences, mécénat, groupements d'employeurs : la bourse de la coopération.",)),
    ),
    links=(
        ("Trouver des fournisseurs de l'ESS", 'purchasing:sourcing', (), ''),
        ("Publier un besoin d'achat", 'purchasing:needs', (), ''),
        ('Offres et besoins de coopération', 'cooperation:index', (), ''),
        ('Coopérer et mutualiser', 'resources:page', ('cooperer-et-mutualiser',), ''),
        ("Les chiffres de l'observatoire", 'observatory:index', (), ''),
    ),
)  # fmt: skip

ENTREPRENEURS = Kit(
    slug='futurs-entrepreneurs',
    title='Kit pour les futurs entrepreneurs',
    audience='Porteurs de projet et futurs entrepreneurs',
    pitch="Créer son activité dans l'ESS : les formes pour entreprendre, qui aide à chaque étape, comment financer, à partir des chiffres de la région.",
    quotes=(
        ("Tous les porteurs de projet devraient être informés sur l'ESS et ses différentes formes d'entreprendre lors de leur parcours de création. Pour cela, les prescripteurs (Pôle Emploi, Chambres consulaires, incubateurs...) et les acteurs de l'accompagnement (réseaux d'accompagnement, experts comptables...) doivent connaître l'ESS et transmettre ces informations aux porteurs de projet comme une alternative viable parmi d'autres pour créer leur activité.",
         "Rapport 2016, ligne 147"),
        ("Plusieurs pistes ont été évoquées, de la sensibilisation des jeunes dès le collège à la formation des techniciens et élus territoriaux, en passant bien évidemment par la mise en place de modules dédiés pour les créateurs d'entreprises. Il apparaît donc crucial de créer une culture commune de l'ESS.",
         "Rapport 2016, ligne 117"),
    ),
    slides=(
        ("Entreprendre dans l'ESS", ("Les formes juridiques : association, SCOP, SCIC, CAE, société commerciale de l'ESS…", '« Quelle forme pour mon projet ? »')),
        ('Qui aide à chaque étape', ("L'assistant « Vers qui me tourner ? » et le parcours du créateur.", "Les offres d'accompagnement de l'idée au développement.")),
        ('Financer son projet', ('Les outils de financement par étape, le dossier unique, le tour de table.',)),
    ),
    links=(
        ('« Vers qui me tourner ? »', 'support:orientation', (), ''),
        ("Créer une activité dans l'ESS", 'resources:page', ('creer-une-activite',), ''),
        ('Financer son projet', 'resources:page', ('financer-son-projet',), ''),
        ('Quelle forme pour mon projet ?', 'resources:legal_form_chooser', (), ''),
        ('Les formations', 'resources:trainings', (), ''),
    ),
)  # fmt: skip

KITS = (ELECTED, STUDENTS, COMPANIES, ENTREPRENEURS)
BY_SLUG = {kit.slug: kit for kit in KITS}
