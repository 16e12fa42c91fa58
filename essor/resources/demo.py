"""Illustrative trainings for the demo instance. They are not real offers: each is flagged
`is_illustrative` and shown with the « illustratif » badge. The demo loader calls
load_demo_trainings(); running it twice changes nothing."""

from .enums import Audience, TrainingFormat
from .models import Training

ORGANISER = "Organisme de formation fictif (démonstration)"

DEMO_TRAININGS = [
    {
        "title": "Entreprendre dans l'ESS : choisir sa forme juridique",
        "description": "Exemple de formation d'une journée pour comparer association, SCOP, SCIC, CAE et société commerciale de l'ESS, à partir des projets des participants.",
        "audiences": [Audience.PROJECT_CREATORS],
        "format": TrainingFormat.ON_SITE,
        "duration": "1 jour (7 h)",
        "cost": "Gratuit",
        "is_free": True,
        "opco_fundable": False,
    },
    {
        "title": "Gouvernance démocratique : animer une assemblée générale vivante",
        "description": "Exemple de formation sur la place des bénévoles, des salariés et des usagers dans les décisions.",
        "audiences": [Audience.LEADERS, Audience.VOLUNTEERS],
        "format": TrainingFormat.BLENDED,
        "duration": "2 demi-journées (7 h)",
        "cost": "180 € par personne",
        "is_free": False,
        "opco_fundable": True,
    },
    {
        "title": "Gestion financière d'une association employeuse",
        "description": "Exemple de formation : budget, trésorerie, subventions et conventions pluriannuelles d'objectifs.",
        "audiences": [Audience.LEADERS, Audience.VOLUNTEERS],
        "format": TrainingFormat.REMOTE,
        "duration": "3 séances de 2 h",
        "cost": "240 € par personne",
        "is_free": False,
        "opco_fundable": True,
    },
    {
        "title": "L'ESS dans les politiques locales : clauses sociales et appels à projets",
        "description": "Exemple de formation pour les élus et les agents des collectivités : connaître les acteurs de l'ESS du territoire et les outils de la commande publique responsable.",
        "audiences": [Audience.ELECTED_AND_STAFF],
        "format": TrainingFormat.ON_SITE,
        "duration": "1 jour (6 h)",
        "cost": "Gratuit pour les collectivités",
        "is_free": True,
        "opco_fundable": False,
    },
]


def load_demo_trainings():
    created = 0
    for data in DEMO_TRAININGS:
        training, was_created = Training.objects.get_or_create(
            title=data["title"],
            is_illustrative=True,
            defaults={**data, "organiser_name": ORGANISER, "is_published": True},
        )
        if was_created:
            training.refresh_search_text()
            training.save(update_fields=["search_text"])
            created += 1
    return created
