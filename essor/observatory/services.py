from .tasks import refresh_indicators_task


def refresh_after_import():
    """Queue a recompute of the observatory's indicators. Importers call it once their
    data is written; the refresh itself runs in the worker, never in a request.

    With the database task backend the queued task is written in the caller's
    transaction, so the worker sees it (and the imported rows) only once they commit."""
    return refresh_indicators_task.enqueue()
