from django_tasks import task


@task()
def notify_matches(match_ids):
    """Tell both sides of each new match, once (services.send_match_notices)."""
    from .services import send_match_notices

    return send_match_notices(match_ids)
