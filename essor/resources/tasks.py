from django_tasks import task


@task()
def extract_study_text_task(study_id):
    """The text of an uploaded study's PDF, for the search (services.extract_study_text)."""
    from .services import extract_study_text

    return extract_study_text(study_id)
