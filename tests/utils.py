import shutil
import subprocess

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}
}


def run_queued_tasks():
    """Run what the database worker would run, without its connection recycling (which
    would close the test's transaction). Returns the number of tasks run."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    count = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        count += 1
    return count


# SVG attributes that hold one number: a French decimal comma (« 97,4 ») draws nothing.
_SVG_NUMBERS = {"cx", "cy", "r", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "font-size"}


def svg_drawings(html):
    """Parse every <svg> of a page and check that its coordinates are numbers a browser
    reads. Returns the number of shapes found, so that a test also sees something drawn."""
    import re
    import xml.etree.ElementTree as ET

    shapes = 0
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        # The portal's own markup, not untrusted input; invalid XML fails the test loud.
        root = ET.fromstring(svg.replace("&nbsp;", "\u00a0"))  # noqa: S314
        for element in root.iter():
            for name, value in element.attrib.items():
                if name in _SVG_NUMBERS:
                    float(value.removesuffix("%").removesuffix("px"))
                elif name == "viewBox":
                    assert len([float(v) for v in value.split()]) == 4, value
            shapes += element.tag.rsplit("}", 1)[-1] in {"circle", "rect", "path", "polygon"}
    return shapes


def pdf_text(data, tmp_path, *, layout=False):
    """The text of a PDF (bytes) by poppler's pdftotext; the test is skipped without it.
    `layout` keeps the columns where they are on the page."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) est absent")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    options = ["-layout"] if layout else []
    return subprocess.run(
        [pdftotext, *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
