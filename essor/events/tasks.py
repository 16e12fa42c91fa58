from django_tasks import task


@task()
def schedule_meetings(meetings_id):
    """The organiser's « établir le planning »: runs in the worker, never in the request."""
    from .meetings import run_scheduler
    from .scheduler import SchedulerError

    try:
        result = run_scheduler(meetings_id)
    except SchedulerError as error:
        return error.message
    return len(result.meetings)
