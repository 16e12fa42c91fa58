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
