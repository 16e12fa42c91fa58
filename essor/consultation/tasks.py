from django_tasks import task


@task()
def send_digests_task():
    """The followers' digests, run by the worker."""
    from .digests import send_digests

    return send_digests()
