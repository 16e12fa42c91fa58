"""What the resources section offers the other sections, and its writes that cross
domains (the search index, the moderation log, the background text extraction)."""

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from essor.accounts.perms import is_cress_staff
from essor.core import report
from essor.core.workflow import TransitionError, WorkflowError, decide
from essor.financing import services as financing_services
from essor.initiatives import services as initiatives_services
from essor.observatory import services as observatory_services
from essor.search.registry import reindex
from essor.support import services as support_services

from . import guides, legal_forms
from .enums import GuideLinkKind, GuideVersionStatus, PublicationStatus, StudyKind, StudyTheme
from .models import AuthoredGuide, GuideLink, GuideVersion, Page, Study, Training
from .sections import forget_written_cited_paths
from .workflow import GUIDE_VERSIONS, STUDIES, TRAININGS

logger = logging.getLogger(__name__)

# The text kept of a PDF: enough for the search, bounded for the index.
MAX_EXTRACTED_CHARS = 400_000
MAX_EXTRACTED_PAGES = 400


def trainings_for(*, audience="", departement=None, limit=3):
    """Published trainings for an audience (TrainingAudience value) held in or serving the
    département, soonest listed first by title."""
    trainings = Training.objects.published().select_related("departement", "region", "epci")
    if audience:
        trainings = trainings.for_audience(audience)
    if departement is not None:
        trainings = trainings.serving_departement(departement)
    return list(trainings.order_by("title", "pk")[:limit])


def training_save(*, training, author):
    """Create or edit a training. A provider's new training goes to moderation (first
    publication), and so does one refused or archived that it corrects; later edits of a
    published training stay published, logged. CRESS staff's are published at once."""
    with transaction.atomic():
        _filed_save(training, author, TRAININGS, before=training.refresh_search_text)
    return training


def training_decide(*, training, by, transition, comment=""):
    return _filed_decide(training, by=by, transition=transition, comment=comment)


def _filed_save(obj, author, workflow, *, before=None, after=None):
    """What a study and a training share when an organisation files or edits one (in the
    caller's transaction): new ones wait for moderation unless CRESS staff files them, an
    edit of a refused or archived one resubmits it, every step is logged, the search index
    follows. `before()` and `after()` run just before and after the save."""
    created = not obj.pk
    if created:
        staff = is_cress_staff(author)
        obj.status = PublicationStatus.PUBLISHED if staff else PublicationStatus.PENDING
        obj.created_by = author
    if before:
        before()
    obj.save()
    if after:
        after()
    if created:
        workflow.record(obj, "create", by=author, from_status="")
    else:
        workflow.record(obj, "edit", by=author)
        if not is_cress_staff(author) and obj.status in workflow["resubmit"].sources:
            decide(obj, "resubmit", by=author)
    reindex(type(obj), [obj.pk])


def _filed_decide(obj, *, by, transition, comment):
    with transaction.atomic():
        decide(obj, transition, by=by, comment=comment)
        reindex(type(obj), [obj.pk])
    return obj


# --- the library of studies ---------------------------------------------------------------


def study_save(*, study, author, authors=None, new_file=False):
    """Create or edit a study. An organisation's new study goes to moderation, and so does
    one refused or archived that it corrects; CRESS staff's are published at once. A new
    PDF has its text extracted in the background."""

    def forget_old_text():
        if new_file:
            study.extracted_text, study.text_extracted_at = "", None

    def set_authors():
        if authors is not None:
            study.author_organisations.set(authors)

    with transaction.atomic():
        _filed_save(study, author, STUDIES, before=forget_old_text, after=set_authors)
        if new_file and study.file:
            from .tasks import extract_study_text_task

            pk = study.pk
            transaction.on_commit(lambda: extract_study_text_task.enqueue(pk))
    return study


def study_decide(*, study, by, transition, comment=""):
    return _filed_decide(study, by=by, transition=transition, comment=comment)


def pdf_text(field_file):
    """The text of a PDF's pages, joined; '' when the PDF has none (a scan)."""
    from pypdf import PdfReader

    with field_file.open("rb") as handle:
        reader = PdfReader(handle)
        parts, size = [], 0
        for page in reader.pages[:MAX_EXTRACTED_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_EXTRACTED_CHARS:
                break
    return "\n".join(parts)[:MAX_EXTRACTED_CHARS]


def extract_study_text(study_id):
    """Background step: read the study's PDF, keep its text for the search. Returns the
    number of characters kept, or None when there is nothing to read."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None or not study.file:
        return None
    try:
        text = pdf_text(study.file)
    except Exception:  # a damaged PDF must not fail the worker: the summary stays searchable
        logger.warning("Text of study %s could not be extracted", study_id, exc_info=True)
        text = ""
    with transaction.atomic():
        Study.objects.filter(pk=study.pk).update(
            extracted_text=text, text_extracted_at=timezone.now()
        )
        reindex(Study, [study.pk])
    return len(text)


# The 2016 état des lieux, first record of the library: its text ships with the app (the
# report's text, without the names of the CRESS teams' members).
REPORT_TEXT = Path(__file__).parent / "data" / "etat_des_lieux_2016.txt"
REPORT_SLUG = "etat-des-lieux-ess-2016"
# Where its 136 pistes d'action are followed (essor/consultation/report.py, SLUG).
REPORT_PISTES_URL = "/concertation/etat-des-lieux-2016/"
REPORT_SUMMARY = (
    "« En préparation de la future Conférence Régionale de l'ESS organisée par l'État et la "
    "Région Aquitaine-Limousin-Poitou-Charentes, les 3 CRESS ont travaillé à une large "
    "consultation des acteurs, pour aboutir à un état des lieux partagé des besoins et "
    "initiatives des acteurs de l'ESS du territoire. »\n\n"
    "« Une phase de 46 entretiens semi-directifs auprès d'une liste de structures de l'ESS "
    "choisies de façon à représenter la diversité des acteurs de l'ESS, pour couvrir au mieux "
    "les différents territoires et secteurs d'activités. » « Une journée d'ateliers "
    "participatifs qui s'est tenue le 23 mai de façon simultanée à Bordeaux, Poitiers et "
    "Limoges » ; « En deux mois, 79 réponses au sondage ont été récoltées, et plus de 115 "
    "fiches actions. »\n\n"
    "Le rapport suit trois axes — Entreprendre, Coopérer, Innover — et propose des pistes "
    "d'action, suivies une par une sur la plateforme."
)


def load_report_study(apps=None):
    """Create the 2016 état des lieux in the library, or complete it (its region, its
    authors once the directory holds them); never touches what the team has changed.
    Called by the data migration (historical models) and the demo step."""
    study_model = apps.get_model("resources", "Study") if apps else Study
    region_model = apps.get_model("territories", "Region") if apps else None
    organisation_model = apps.get_model("directory", "Organisation") if apps else None
    if region_model is None:
        from essor.directory.models import Organisation as organisation_model
        from essor.territories.models import Region as region_model
    source = report.source()
    study, created = study_model.objects.get_or_create(
        slug=REPORT_SLUG,
        defaults={
            "title": source["title"],
            "kind": StudyKind.SURVEY,
            "authors_text": ", ".join(source["authors"]),
            "year": source["year"],
            "themes": [
                StudyTheme.ENTREPRENEURSHIP,
                StudyTheme.COOPERATION,
                StudyTheme.INNOVATION,
                StudyTheme.PUBLIC_POLICY,
            ],
            "summary": REPORT_SUMMARY,
            "extracted_text": REPORT_TEXT.read_text(encoding="utf-8"),
            "key_figures": [
                {key: figure[key] for key in ("label", "value", "quote")}
                for figure in [*report.key_figures(), *source["method_figures"]]
            ],
            "related_label": "Les 136 pistes d'action du rapport et leur suivi",
            "related_url": REPORT_PISTES_URL,
            "status": PublicationStatus.PUBLISHED,
        },
    )
    if study.region_id is None:
        from django.conf import settings

        if region_model.objects.filter(code=settings.ESSOR_REGION).exists():
            study.region_id = settings.ESSOR_REGION
            study.save(update_fields=["region"])
    if not study.author_organisations.exists():
        authors = organisation_model.objects.filter(name__in=source["authors"])
        study.author_organisations.set(authors)
    return study, created


def personal_data(user):
    """The studies and trainings the person filed (RGPD export): they stay with their
    organisation when the account is deleted."""
    return {
        "ressources_formations_publiees": [
            {"intitule": t.title, "organisme": t.organiser_label,
             "etat": t.get_status_display(), "le": t.created_at}
            for t in user.resources_trainings.select_related("organiser")
        ],
        "ressources_etudes_deposees": [
            {"titre": s.title, "structure": s.organisation.name if s.organisation else "",
             "etat": s.get_status_display(), "le": s.created_at}
            for s in user.resources_studies.select_related("organisation")
        ],
        "ressources_guides_ecrits": [
            {"titre": v.title, "version": v.number, "auteur": v.guide.author_label,
             "etat": v.get_status_display(), "le": v.created_at}
            for v in user.resources_guide_versions.select_related("guide__organisation")
        ],
        "ressources_guides_commences": [
            {"adresse": g.slug, "auteur": g.author_label, "le": g.created_at}
            for g in user.resources_authored_guides.select_related("organisation")
        ],
    }  # fmt: skip


def guide_catalogue(guide):
    """The section a shipped guide draws from the platform's catalogues when it is read:
    who helps at each phase (support offers), or which instruments at each phase
    (financing tools), each with the address of the filtered catalogue."""
    if guide.catalogue == "support_phases":
        url = reverse("support:offers")
        return [
            {**row, "url": f"{url}?etape={row['phase']}"}
            for row in support_services.offers_by_phase()
            if row["count"]
        ]
    if guide.catalogue == "financing_phases":
        url = reverse("financing:index")
        rows = []
        for row in financing_services.instruments_by_phase():
            if not row["instruments"]:
                continue
            for item in row["instruments"]:
                item["url"] = f"{url}?phase={row['phase']}&instrument={item['instrument']}"
            rows.append({**row, "url": f"{url}?phase={row['phase']}"})
        return rows
    return []


def kit_figures():
    """The observatory's key figures of the région for the awareness kits (kits.py)."""
    return observatory_services.key_figures()


def kit_figures_stamp():
    """Moves whenever the observatory's figures are computed again (kit PDFs)."""
    return observatory_services.figures_stamp()


def kit_figures_rows(figures):
    """The kit's figures as CSV rows: (indicator, value, source, date)."""
    as_of = figures["as_of"].date().isoformat() if figures["as_of"] else ""
    rows = [
        (f"{label} — {figures['territory']}", figures[key], figures["source"], as_of)
        for key, label in (
            ("establishments", "Établissements de l'ESS en activité"),
            ("employer_establishments", "Établissements employeurs"),
            ("employees", "Salariés (estimation)"),
        )
    ]
    for family in figures["families"]:
        rows.append(
            (f"Salariés (estimation) — {family['label']}", family["employees"],
             figures["source"], as_of)
        )  # fmt: skip
    return rows


# --- guides written on the portal (support actors and the CRESS team) ---------------------

# Addresses under /ressources/guides/ that are pages, not guides.
RESERVED_GUIDE_SLUGS = {"ecrire", "mes-guides", "redaction"}


class GuideLocked(WorkflowError):
    """The guide's version is with the CRESS: it is withdrawn before it is edited (409)."""

    status_code = 409


def guide_link_choices():
    """{GuideLinkKind: [(path, label)]}: what a guide may link to on the platform."""
    return {
        GuideLinkKind.OFFER: support_services.published_offer_links(),
        GuideLinkKind.TOOL: financing_services.published_tool_links(),
        GuideLinkKind.LEGAL_FORM: [
            (reverse("resources:legal_form", args=[form.slug]), form.name)
            for form in legal_forms.LEGAL_FORMS
        ],
        GuideLinkKind.INITIATIVE: initiatives_services.published_initiative_links(),
    }


def unique_guide_slug(title):
    base = slugify(title)[:100] or "guide"
    taken = RESERVED_GUIDE_SLUGS | set(guides.BY_SLUG)
    slug, n = base, 1
    while (
        slug in taken
        or AuthoredGuide.objects.filter(slug=slug).exists()
        or Page.objects.filter(slug=slug).exists()
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def guide_save(*, author, title, summary, body, links, guide=None, organisation=None, submit=False):
    """Write a new guide in `organisation`'s name (None: the CRESS team), or change one:
    its open version (a draft, or one the CRESS asked changes of) is edited; a guide with
    none gets a new draft version while its published one stays online. `links` are
    (GuideLinkKind, path, label). `submit` sends the version to the CRESS at once.
    Returns the version written."""
    with transaction.atomic():
        if guide is None:
            guide = AuthoredGuide.objects.create(
                slug=unique_guide_slug(title), organisation=organisation, created_by=author
            )
        else:
            # Under lock: two writers saving at once never open two versions.
            guide = AuthoredGuide.objects.select_for_update().get(pk=guide.pk)
        version = guide.open_version()
        if version is not None and not version.is_editable:
            raise GuideLocked(
                "Cette version est soumise à la CRESS : reprenez-la en brouillon pour la modifier."
            )
        created = version is None
        if created:
            number = (guide.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = GuideVersion(guide=guide, number=number, created_by=author)
        version.title, version.summary, version.body = title, summary, body
        version.save()
        version.links.all().delete()
        GuideLink.objects.bulk_create(
            GuideLink(version=version, kind=kind, path=path, label=label[:250], position=i)
            for i, (kind, path, label) in enumerate(links)
        )
        if created:
            GUIDE_VERSIONS.record(version, "create", by=author, from_status="")
        else:
            GUIDE_VERSIONS.record(version, "edit", by=author)
        if submit:
            decide(version, "submit", by=author)
    return version


def guide_decide(*, guide, by, transition, comment=""):
    """Take a step on the guide's open version. Publishing it replaces the published
    version (kept, « remplacée ») and has the guide's PDF made again."""
    with transaction.atomic():
        guide = AuthoredGuide.objects.select_for_update().get(pk=guide.pk)
        version = guide.open_version()
        if version is None:
            raise TransitionError("Aucune version de ce guide n'attend cette action.")
        decide(version, transition, by=by, comment=comment)
        if version.status == GuideVersionStatus.PUBLISHED:
            previous = guide.published_version
            if previous is not None:
                previous.status = GuideVersionStatus.SUPERSEDED
                previous.save(update_fields=["status", "updated_at"])
                GUIDE_VERSIONS.record(
                    previous, "supersede", by=by, from_status=GuideVersionStatus.PUBLISHED,
                    comment=f"Remplacée par la version {version.number}.",
                )  # fmt: skip
            guide.published_version = version
            guide.save(update_fields=["published_version"])
            reindex("ressources", [f"guide-{guide.slug}"])
            from .tasks import make_guide_pdf

            slug = guide.slug
            transaction.on_commit(lambda: make_guide_pdf.enqueue(slug))
            transaction.on_commit(forget_written_cited_paths)
    return version
