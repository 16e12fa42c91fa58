"""Guards over every template of the portal, read as text."""

import re
from pathlib import Path

ESSOR = Path(__file__).resolve().parent.parent / "essor"
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
HEAD_BLOCK = re.compile(r"{%\s*block head\s*%}(.*?){%\s*endblock", re.S)
# What may stand in <head>: links, scripts, meta and style; never page content.
HEAD_CONTENT = re.compile(r"<(p|a|div|h[1-6]|ul|ol|nav|section|form)[\s>]")


def _offenders(block, forbidden):
    return [
        str(path.relative_to(ESSOR))
        for path in sorted(ESSOR.rglob("*.html"))
        for body in block.findall(path.read_text())
        if forbidden.search(body)
    ]


def test_no_page_title_holds_markup():
    # The <title> is plain text: a tag in it shows as « <p><a href=… » in the browser's tab
    # and in a screen reader's announcement of the page.
    assert _offenders(TITLE_BLOCK, re.compile(r"<[a-z]")) == []


def test_no_page_puts_content_in_its_head():
    assert _offenders(HEAD_BLOCK, HEAD_CONTENT) == []
