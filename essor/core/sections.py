"""The platform's sections, in the header. An entry shows only once its app is
installed and has an index page, so a section never links to nothing: the modules
being built (purchasing, events, consultation, cooperation) appear when they land."""

from django.urls import NoReverseMatch, reverse

SECTIONS = [
    ("Annuaire", "search:directory"),
    ("Accompagnement", "support:index"),
    ("Financement", "financing:index"),
    ("Achats", "purchasing:index"),
    ("Initiatives", "initiatives:index"),
    ("Observatoire", "observatory:index"),
    ("Agenda", "events:index"),
    ("Concertation", "consultation:index"),
    ("Ressources", "resources:index"),
    ("Coopération", "cooperation:index"),
    ("Territoires", "territories:index"),
]


def available_sections():
    sections = []
    for label, url_name in SECTIONS:
        try:
            sections.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return sections
