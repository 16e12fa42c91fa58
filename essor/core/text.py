"""Rendering of user-written text: Markdown in, sanitised HTML out; folding; the links a text holds."""

import re
import threading
import unicodedata

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


_local = threading.local()


def _converter():
    # Building a Markdown instance costs more than converting a short text: one per
    # thread, reset between texts.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["tables", "sane_lists"])
    return converter.reset()


def render_markdown(text):
    """Markdown written by users or staff, rendered then sanitised: scripts, event
    handlers, styles and javascript: links never reach the page."""
    html = _converter().convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


def fold(text):
    """Lower-case, accent-free form of a French text, for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_text.lower().replace("-", " ").replace("'", " ").split())


_LINK = re.compile(
    r"(?:https?://|mailto:|www\.)[^\s<>()\[\]\"']+"  # web links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\+?\d(?:[\s.-]?\d){8,}"  # phone numbers
)


def links_in(text):
    """The web links, e-mail addresses and phone numbers a text contains, as a set: what
    sends a reader somewhere. Case and phone separators do not count."""
    found = set()
    for match in _LINK.findall(text or ""):
        value = match.rstrip(".,;:!?").lower()
        if value[:1].isdigit() or value.startswith("+"):
            value = re.sub(r"[\s.-]", "", value)
        found.add(value)
    return found
