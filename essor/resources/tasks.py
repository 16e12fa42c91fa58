from django_tasks import task


@task()
def extract_study_text_task(study_id):
    """The text of an uploaded study's PDF, for the search (services.extract_study_text)."""
    from .services import extract_study_text

    return extract_study_text(study_id)


@task()
def make_guide_pdf(slug):
    """The PDF of a guide (pdf.make): WeasyPrint takes a second or so."""
    from .pdf import make

    make(slug)
