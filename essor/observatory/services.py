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
