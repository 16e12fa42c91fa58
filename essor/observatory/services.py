from essor.core.importing import app_label_of

from .tasks import refresh_indicators_task


def refresh_after_directory_import(importer):
    """The observatory's figures are derived from the directory: once a directory
    import is written, queue their recompute (essor.core.importing calls this)."""
    if app_label_of(importer) == "directory":
        refresh_after_import()


def refresh_after_import():
    """Queue a recompute of the observatory's indicators. Importers call it once their
    data is written; the refresh itself runs in the worker, never in a request.

    With the database task backend the queued task is written in the caller's
    transaction, so the worker sees it (and the imported rows) only once they commit."""
    return refresh_indicators_task.enqueue()


def mask_small_cells(counts, groups=(), minimum=5):
    """The observatory's secrecy rule for other apps' tables of counts (a questionnaire's
    crossed results): the keys of `counts` ({key: number}) to hide — every cell counting
    between 1 and minimum - 1, then, through the secondary secrecy, the cells that would
    let one read a hidden cell off a total. `groups`: (total key, [part keys]) of the
    table's additive relations (see secrecy.apply_secondary_secrecy)."""
    from .enums import Secrecy
    from .secrecy import apply_secondary_secrecy

    secrecy = {
        key: Secrecy.FREQUENCY if 0 < count < minimum else Secrecy.PUBLISHED
        for key, count in counts.items()
    }
    apply_secondary_secrecy(secrecy, groups, size=lambda key: counts[key])
    return {key for key, reason in secrecy.items() if reason}


def key_figures():
    """The home région's key figures as the observatory publishes them (its dashboard's
    « Chiffres clés » and families), with the date of the last computation: the resource
    centre's awareness kits quote them, so they stay current. A secret cell stays None."""
    from django.urls import reverse

    from .enums import Breakdown
    from .figures import home_region, last_refresh, profile

    territory = home_region()
    prof = profile(territory)
    refresh = last_refresh()
    total = prof.total
    return {
        "territory": territory.name,
        "establishments": None if total.secret else total.establishments,
        "employer_establishments": None if total.secret else total.employer_establishments,
        "employees": None if total.secret or total.employees is None else round(total.employees),
        "families": [
            {
                "label": f.label,
                "establishments": None if f.secret else f.establishments,
                "employees": None if f.secret or f.employees is None else round(f.employees),
                "share": None if f.secret or f.share is None else round(f.share, 1),
            }
            for f in prof.rows.get(Breakdown.FAMILY, [])
        ],
        "as_of": refresh.finished_at if refresh else None,
        "has_synthetic": prof.has_synthetic,
        "exists": prof.exists,
        "source": "Observatoire de l'ESS de la plateforme, d'après le répertoire SIRENE "
        "(établissements de l'ESS en activité ; salariés estimés à partir des tranches "
        "d'effectif)",
        "url": reverse("observatory:index"),
    }


def figures_stamp():
    """Which computation of the observatory's figures is current ('' before the first):
    what depends on the figures (the awareness kits' PDFs) is made again when it moves."""
    from .figures import last_refresh

    refresh = last_refresh()
    return f"{refresh.pk}:{refresh.finished_at.isoformat()}" if refresh else ""
