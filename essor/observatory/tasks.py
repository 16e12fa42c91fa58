from django_tasks import task

from .refresh import refresh_indicators


@task()
def refresh_indicators_task():
    """The observatory's refresh, run by the worker after an import."""
    result = refresh_indicators()
    return result.summary()
