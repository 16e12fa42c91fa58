"""reverse() for pages that list hundreds of links (a département's 200 communes and
its EPCIs, a search's results): Django's reverse() walks the URL resolver on every call
(tens of µs each, a fifth of a département page's CPU). The URL of a pattern with one
argument is a prefix and a suffix around that argument: they are read once per URL name,
script prefix and URL configuration, then joined."""

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# An argument no real one equals, accepted by <int:…> and <str:…> alike.
_MARK = 918273645546372819


@functools.lru_cache(maxsize=128)
def _around(name, script_prefix, urlconf):
    # script_prefix is only part of the key: reverse() reads the current one itself.
    prefix, mark, suffix = reverse(name, args=[_MARK], urlconf=urlconf).partition(str(_MARK))
    assert mark, name  # noqa: S101 - a pattern whose argument is not kept as is
    return prefix, suffix


_SAFE = RFC3986_SUBDELIMS + "~:@"


def reverse_one(name, arg):
    """reverse(name, args=[arg]) for a pattern with one <int:…> or <str:…> argument."""
    return url_maker(name)(arg)


def url_maker(name):
    """reverse_one(name, …) as a function of the argument, the pattern read once: for a
    table's hundreds of links to one kind of page."""
    prefix, suffix = _around(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    # Quoted as reverse() quotes it (no "/": neither converter accepts one).
    return lambda arg: f"{prefix}{quote(str(arg), safe=_SAFE)}{suffix}"
