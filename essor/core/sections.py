"""The platform's sections. Only those whose app is installed and has an index page
appear in the header, so a section never links to nothing."""

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
    ("Territoires", "territories:index"),
]


def available_sections():
    sections = []
    for label, url_name in SECTIONS:
        try:
            sections.append({"label": label, "url": reverse(url_name), "name": url_name})
        except NoReverseMatch:
            continue
    return sections
