"""Rendering of user-written text: Markdown in, sanitised HTML out; folding; the links a text holds."""

import functools
import re
import threading
import unicodedata
from html import unescape as html_unescape

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

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


# An excerpt shows a few lines: the start of a long text is all it needs to render.
EXCERPT_SOURCE = 1000


def markdown_excerpt(text, length=None):
    """The start of a Markdown text as plain text, for a list of results: "**fictive**"
    reads "fictive", "A &amp; B" reads "A & B" (the page escapes it again); cut at
    `length` characters with an ellipsis."""
    return _excerpt((text or "")[:EXCERPT_SOURCE], length)


# Keyed by the text itself, so an edited description is a new key, never a stale
# excerpt: rendering Markdown was a tenth of a search page's CPU (bench/README.md «
# Pages sans cache »), and the same organisations come back page after page.
@functools.lru_cache(maxsize=4096)
def _excerpt(source, length):
    plain = html_unescape(strip_tags(render_markdown(source)))
    return Truncator(plain).chars(length) if length else plain


# The anchors of a long text's headings: prefixed, so that a writer's title never takes
# the id of an element of the page around it.
ANCHOR_PREFIX = "partie-"


def _anchor(value, separator):
    from markdown.extensions.toc import slugify_unicode

    return ANCHOR_PREFIX + (slugify_unicode(value, separator) or "titre")


def _keep_anchor(tag, attribute, value):
    if attribute == "id":
        return value if tag in ("h2", "h3") and value.startswith(ANCHOR_PREFIX) else None
    return value


def _flat(tokens):
    for token in tokens:
        yield token
        yield from _flat(token["children"])


def render_markdown_with_toc(text):
    """A long text (a guide) in Markdown: (sanitised HTML, its table of contents). Its
    titles start at <h2> (the page has the <h1>) and carry anchors; the table of contents
    is [(anchor, title)] of its <h2> (« ## »). Sanitised as render_markdown(), ids
    included (an <h1>, « # », is kept as plain text: the page has its own)."""
    converter = getattr(_local, "toc_converter", None)
    if converter is None:
        converter = _local.toc_converter = markdown.Markdown(
            extensions=["tables", "sane_lists", "toc"],
            extension_configs={"toc": {"slugify": _anchor, "toc_depth": "1-3"}},
        )
    converter.reset()
    html = converter.convert(text or "")
    toc = [
        (token["id"], html_unescape(token["name"]))
        for token in _flat(converter.toc_tokens)
        if token["level"] == 2
    ]
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "h2": {"id"}, "h3": {"id"}},
        attribute_filter=_keep_anchor,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean), toc  # noqa: S308 - nh3 has just sanitised it


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
