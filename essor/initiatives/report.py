"""The report's 38 « Exemple d'initiative », published on every ESSor instance.

`load_report_initiatives()` is idempotent: it creates the examples that are missing and
links their organisations, and never touches an example that already exists (CRESS staff
may have completed or unpublished it). The data migration calls it with the historical
models; `manage.py load_report_initiatives` calls it with the real ones."""

import json
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from essor.core import report as core_report
from essor.core.text import fold

from .enums import Axis, CarrierRole, InitiativeSource, Status, Theme, Transition
from .text import initiative_search_text, search_fold

DATA = Path(__file__).parent / "data" / "report_initiatives.json"
ORGANISATIONS = Path(__file__).parents[1] / "directory" / "data" / "report_organisations.json"
REPORT_SOURCE = "report"  # essor.directory.enums.Source.REPORT


def citation():
    source = core_report.source()
    return f"Source : {source['title']}, {', '.join(source['authors'])}, {source['year']}"


def examples():
    return json.loads(DATA.read_text(encoding="utf-8"))


def report_organisations():
    return json.loads(ORGANISATIONS.read_text(encoding="utf-8"))


def axis_of(label):
    return next(a for a in Axis if fold(a.label) == fold(label))


def theme_of(label):
    return next(t for t in Theme if fold(t.label) == fold(label))


def _link(url):
    return {"url": url if "://" in url else f"http://{url}", "label": url}


def _models(apps):
    if apps is None:
        from django.apps import apps
    return {
        name: apps.get_model(app, name)
        for app, name in [
            ("initiatives", "Initiative"),
            ("initiatives", "InitiativeTheme"),
            ("initiatives", "Carrier"),
            ("initiatives", "InitiativeTransition"),
            ("directory", "Organisation"),
        ]
    }


def _organisation(Organisation, entry):
    """The directory's organisation of that name from the report, created if missing. The
    directory's demo loader looks them up the same way (name + source), so whichever runs
    first creates it and the other finds it."""
    found = (
        Organisation.objects.filter(name=entry["name"], source=REPORT_SOURCE).order_by("pk").first()
    )
    if found:
        return found, False
    acronym = entry.get("acronym") or ""
    return (
        Organisation.objects.create(
            name=entry["name"],
            acronym=acronym,
            source=REPORT_SOURCE,
            search_text=fold(" ".join(filter(None, [entry["name"], acronym]))),
        ),
        True,
    )


def load_report_initiatives(apps=None):
    """Publish the report's examples that are not there yet; return counts."""
    m = _models(apps)
    Initiative, Carrier = m["Initiative"], m["Carrier"]
    by_slug = {}
    generic = {}
    for entry in report_organisations():
        for role, key in [
            (CarrierRole.CARRIER, "initiative_slugs"),
            (CarrierRole.PARTNER, "related_initiative_slugs"),
        ]:
            for slug in entry[key]:
                if entry.get("is_generic"):
                    # A kind of structure (les CIGALES, les GEIQ), not one organisation:
                    # named, but not turned into a directory entry.
                    if role == CarrierRole.CARRIER:
                        generic.setdefault(slug, []).append(entry["name"])
                else:
                    by_slug.setdefault(slug, []).append((entry, role))
    counts = {"created": 0, "existing": 0, "organisations_created": 0, "links_created": 0}
    now = timezone.now()
    cite = citation()
    for item in examples():
        initiative = Initiative.objects.filter(report_slug=item["slug"]).first()
        if initiative is None:
            initiative = _create(m, item, cite, now, generic.get(item["slug"], []))
            counts["created"] += 1
        else:
            counts["existing"] += 1
        for entry, role in by_slug.get(item["slug"], []):
            organisation, created = _organisation(m["Organisation"], entry)
            counts["organisations_created"] += created
            _, linked = Carrier.objects.get_or_create(
                initiative=initiative, organisation=organisation, defaults={"role": role}
            )
            counts["links_created"] += linked
        names = [
            n
            for c in Carrier.objects.filter(initiative=initiative).select_related("organisation")
            for n in (c.organisation.name, c.organisation.acronym)
        ]
        initiative.search_text = initiative_search_text(
            title=initiative.title,
            summary=initiative.summary,
            body=initiative.body,
            territory=initiative.territory_label,
            names=[*names, initiative.other_carriers, *item["organisations"]],
        )
        initiative.save(update_fields=["search_text"])
    return counts


def _create(m, item, cite, now, generic_names):
    axis = axis_of(item["axis"])
    theme = theme_of(item["theme"])
    slug = base = slugify(item["slug"])[:110]
    n = 2
    while m["Initiative"].objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    initiative = m["Initiative"].objects.create(
        slug=slug,
        report_slug=item["slug"],
        title=item["title"],
        summary=item["summary"],
        body=item["body"],
        axis=axis,
        territory_label=item.get("territory") or "",
        departement_codes=item["departement_codes"],
        other_carriers=", ".join(generic_names),
        links=[_link(url) for url in item.get("links") or []],
        source=InitiativeSource.REPORT,
        source_citation=cite,
        report_section=f"{axis.label} — {theme.label} — « {item['section_title']} »",
        status=Status.PUBLISHED,
        published_at=now,
        search_title=search_fold(item["title"])[:200],
    )
    m["InitiativeTheme"].objects.create(initiative=initiative, theme=theme)
    m["InitiativeTransition"].objects.create(
        initiative=initiative,
        transition=Transition.IMPORT,
        from_status="",
        to_status=Status.PUBLISHED,
        comment=f"Exemple d'initiative de l'état des lieux 2016 (ligne {item['source_line']} du texte du rapport).",
    )
    return initiative
