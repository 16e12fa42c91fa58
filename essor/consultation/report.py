"""The 2016 état des lieux as a process of ESSor: its phases (the consultation the report
describes) and its « pistes d'action » as the process's actions, for everyone to follow.

`load_report_process()` is idempotent: it creates the process and the actions that are
missing, and never touches an action that exists (the team may have updated its status,
progress and carriers). The data migration calls it with the historical models;
`essor load_report_actions` with the real ones. The data file is made by
scripts/extract_report_actions.py from the report's text."""

import datetime
import json
from pathlib import Path

from .enums import Access, Axis, PhaseKind, ProcessStatus

DATA = Path(__file__).parent / "data" / "report_actions.json"
PROCESS_KEY = "etat-des-lieux-2016"
SLUG = "etat-des-lieux-2016"
TITLE = "État des lieux 2016"
PURPOSE = (
    "En préparation de la Conférence Régionale de l'ESS organisée par l'État et la Région "
    "Aquitaine-Limousin-Poitou-Charentes, les 3 CRESS ont travaillé à une large consultation "
    "des acteurs, pour aboutir à un état des lieux partagé des besoins et initiatives des "
    "acteurs de l'ESS du territoire.\n\n"
    "46 entretiens semi-directifs, 79 réponses au sondage, plus de 115 fiches actions et une "
    "journée d'ateliers participatifs le 23 mai à Bordeaux, Poitiers et Limoges. Les pistes "
    "d'action du rapport sont suivies ici, une par une."
)
CITATION = (
    "L'économie sociale et solidaire en Aquitaine Limousin Poitou-Charentes — État des lieux "
    "et perspectives, CRESS Aquitaine, CRESS Limousin, CRESS Poitou-Charentes, 2016"
)
# The report dates the workshops (23 May) and the regional conference (4 July 2016); the
# other phases are the report's steps, dated by those two.
PHASES = [
    (PhaseKind.DIAGNOSTIC, "Entretiens et questionnaire en ligne", (2016, 3, 1), (2016, 5, 22)),
    (
        PhaseKind.WORKSHOPS,
        "Ateliers participatifs à Bordeaux, Poitiers et Limoges",
        (2016, 5, 23),
        (2016, 5, 23),
    ),
    (PhaseKind.RESTITUTION, "Conférence régionale de l'ESS", (2016, 7, 4), (2016, 7, 4)),
    (PhaseKind.FOLLOW_UP, "Suivi des pistes d'action", (2016, 7, 5), None),
]
AXES = {label: value for value, label in Axis.choices}


def pistes():
    return json.loads(DATA.read_text(encoding="utf-8"))["actions"]


def section_of(item):
    return f"{item['axis']} › {item['chapter']} › {item['theme']}"


def load_report_process(apps=None):
    """Create the 2016 process and its missing actions; return counts."""
    if apps is None:
        from django.apps import apps
    Process = apps.get_model("consultation", "Process")
    Phase = apps.get_model("consultation", "Phase")
    Action = apps.get_model("consultation", "Action")
    process = Process.objects.filter(key=PROCESS_KEY).first()
    if process is None:
        process = Process.objects.create(
            key=PROCESS_KEY,
            slug=SLUG,
            title=TITLE,
            purpose=PURPOSE,
            territory_label="Aquitaine, Limousin, Poitou-Charentes (Nouvelle-Aquitaine)",
            scope="Les acteurs de l'ESS des trois anciennes régions.",
            access=Access.OPEN,
            status=ProcessStatus.PUBLISHED,
            source_citation=CITATION,
        )
        for kind, title, start, end in PHASES:
            Phase.objects.create(
                process=process,
                kind=kind,
                title=title,
                starts_on=datetime.date(*start),
                ends_on=datetime.date(*end) if end else None,
            )
    existing = set(Action.objects.filter(process=process).values_list("number", flat=True))
    new = [
        Action(
            process=process,
            number=item["number"],
            axis=AXES[item["axis"]],
            chapter=item["chapter"],
            theme=item["theme"],
            text=item["text"],
            source_section=section_of(item),
            source_line=item["source_line"],
        )
        for item in pistes()
        if item["number"] not in existing
    ]
    Action.objects.bulk_create(new)
    return {"created": len(new), "existing": len(existing)}
