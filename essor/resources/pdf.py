"""The PDF of a guide: its printable page (the same content as the web page, with absolute
links) laid out by WeasyPrint in a background task, like the parcours and dossier PDFs."""

import functools
import hashlib
import logging

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from essor.core.text import render_markdown_with_toc

from . import guides, kits, services
from .enums import PdfStatus
from .models import AuthoredGuide, GuidePdf, Page

KIT_PREFIX = "kit-"  # awareness kits' PDFs are kept beside the guides', under this prefix


def printable(slug):
    """The printable HTML of the guide at /ressources/guides/<slug>/ (or of the awareness
    kit `kit-<slug>`), or None if there is no such published guide or kit."""
    base = settings.ESSOR_BASE_URL.rstrip("/")
    if slug.startswith(KIT_PREFIX):
        kit = kits.BY_SLUG.get(slug.removeprefix(KIT_PREFIX))
        if kit is None:
            return None
        return render_to_string(
            "resources/kit_pdf.html",
            {
                "kit": kit,
                "figures": services.kit_figures(),
                "related": [(label, base + url) for label, url in kit.related()],
                "address": f"{base}/ressources/kits/{kit.slug}/",
            },
        )
    guide = guides.BY_SLUG.get(slug)
    if guide is not None:
        context = {
            "guide": guide,
            "related": [(label, base + url) for label, url in guide.related()],
            "catalogue": [
                {
                    **row,
                    "url": base + row["url"],
                    "instruments": [
                        {**item, "url": base + item["url"]} for item in row.get("instruments", [])
                    ],
                }
                for row in services.guide_catalogue(guide)
            ],
        }
    elif written := (
        AuthoredGuide.objects.published()
        .select_related("published_version", "organisation")
        .filter(slug=slug)
        .first()
    ):
        version = written.published_version
        context = {
            "written": written,
            "version": version,
            "body": render_markdown_with_toc(version.body)[0],
            "related": [(label, base + url) for label, url in version.related()],
        }
    else:
        page = Page.objects.filter(slug=slug, is_published=True).first()
        if page is None:
            return None
        context = {"page": page}
    context["address"] = f"{base}/ressources/guides/{slug}/"
    return render_to_string("resources/guide_pdf.html", context)


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


PRINTABLE_TEMPLATES = (
    "resources/guide_pdf.html",
    "resources/kit_pdf.html",
    "core/_pdf_head.html",
)


@functools.cache
def _templates_stamp():
    # Read once per process: a deployment that changes the layout makes new PDFs.
    return digest("".join(get_template(name).template.source for name in PRINTABLE_TEMPLATES))


def fingerprint(slug):
    """What the PDF of `slug` is made from, without rendering it (the PDF link asks at
    each request): the guide or kit as the code has it, the catalogue a shipped guide
    draws, the version of a guide written on the portal, a page's last edit, the
    computation of the observatory's figures a kit quotes. None when there is no such
    published guide or kit. Kept as GuidePdf.digest: a PDF made from another is made
    again."""
    if slug.startswith(KIT_PREFIX):
        kit = kits.BY_SLUG.get(slug.removeprefix(KIT_PREFIX))
        if kit is None:
            return None
        parts = [repr(kit), services.kit_figures_stamp()]
    elif (guide := guides.BY_SLUG.get(slug)) is not None:
        parts = [repr(guide), repr(services.guide_catalogue(guide))]
    elif written := (
        AuthoredGuide.objects.published()
        .select_related("published_version", "organisation")
        .filter(slug=slug)
        .first()
    ):
        version = written.published_version
        parts = [str(version.pk), version.updated_at.isoformat(), written.author_label]
    elif page := Page.objects.filter(slug=slug, is_published=True).first():
        parts = [str(page.pk), page.updated_at.isoformat()]
    else:
        return None
    return digest("\n".join([_templates_stamp(), settings.ESSOR_BASE_URL, slug, *parts]))


def make(slug):
    """Make and keep the PDF of a guide as it reads now (outside any request)."""
    stamp = fingerprint(slug)  # before the page is read: a change meanwhile makes it again
    html = printable(slug)
    if html is None or stamp is None:
        GuidePdf.objects.filter(slug=slug).delete()
        return
    # WeasyPrint logs each step at INFO from its import on: not for the worker's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: only the worker needs Pango

    try:
        pdf = HTML(string=html, base_url=settings.ESSOR_BASE_URL).write_pdf()
    except Exception:
        GuidePdf.objects.filter(slug=slug).update(status=PdfStatus.FAILED)
        raise
    GuidePdf.objects.update_or_create(
        slug=slug,
        defaults={
            "digest": stamp,
            "pdf": pdf,
            "status": PdfStatus.READY,
            "made_at": timezone.now(),
        },
    )
