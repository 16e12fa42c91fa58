"""The permission matrix: what every route answers to every demo role, on another
organisation's objects. See tests/README.md, « The permission matrix », and
tests/test_permission_matrix.py, which reads the table of tests/permissions/table.py.

An entry says how to build the route's arguments (a function of the `World`, the other
organisation's objects, see world.py) and what each role gets:

    OK        a page (2xx) or a redirect somewhere other than a login page
    LOGIN     a redirect to the site's (or the admin's) login page
    DENIED    403
    MISSING   404
    NOT_ALLOWED 405 (the method is refused)

The helpers below make the usual entries one line long."""

from dataclasses import dataclass, field

ROLES = ("anonymous", "cress", "accompagnement", "financeur", "acheteur", "porteur")
# The demo accounts (essor/accounts/data/demo/accounts.json) by role.
DEMO_EMAILS = {role: f"{role}@demo.example.org" for role in ROLES if role != "anonymous"}
SIGNED_IN = ROLES[1:]
NOT_STAFF = ("accompagnement", "financeur", "acheteur", "porteur")

OK, LOGIN = "ok", "login"
DENIED, MISSING, NOT_ALLOWED, BAD_REQUEST, CONFLICT = 403, 404, 405, 400, 409
REFUSED = {LOGIN, DENIED, MISSING, NOT_ALLOWED}


@dataclass(frozen=True)
class Entry:
    # World -> kwargs for reverse(); a dict is used as is.
    args: object = field(default_factory=dict)
    # role -> expected outcome
    expect: dict = field(default_factory=dict)
    # "get", or "post" for a route that only acts on POST.
    method: str = "get"
    # Query string of the request (an API route's required parameters…).
    query: dict = field(default_factory=dict)
    # The arguments name another organisation's object: every refused role also sends a
    # forged POST, which must be refused and change nothing.
    tenant: bool = False
    # The object is public to read: every role sends a forged POST, which changes nothing
    # (whatever it answers).
    forge_all: bool = False
    # Why the entry is what it is, when it is not obvious.
    note: str = ""

    def kwargs(self, world):
        return self.args(world) if callable(self.args) else dict(self.args)


def _expect(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


def public(args=None, *, outcome=OK, **kw):
    """Anyone, signed in or not, gets the page (or the same `outcome`: a 404 for an id
    that is not public, a 400 for missing parameters)."""
    return Entry(args or {}, _expect(outcome), **kw)


def signed_in(args=None, *, outcome=OK, **kw):
    """Any account; the anonymous visitor is sent to the login page."""
    return Entry(args or {}, _expect(outcome, anonymous=LOGIN), **kw)


def staff(args=None, *, others=DENIED, **kw):
    """CRESS staff only."""
    expect = _expect(others, anonymous=LOGIN, cress=OK)
    return Entry(args or {}, expect, **kw)


def roles(args=None, *, ok=(), others=DENIED, anonymous=LOGIN, **kw):
    """The roles in `ok` get the page, the other accounts `others`."""
    expect = _expect(others, anonymous=anonymous, **dict.fromkeys(ok, OK))
    return Entry(args or {}, expect, **kw)


def tenant(args, *, others=MISSING, anonymous=LOGIN, ok=(), method="get", note="", **roles):
    """Another organisation's object: refused to every demo role (`others`), except those
    in `ok` or given their own outcome (`cress=BAD_REQUEST`); a forged POST of each
    refused role is refused and changes nothing."""
    expect = _expect(others, anonymous=anonymous, **dict.fromkeys(ok, OK), **roles)
    return Entry(args, expect, method=method, tenant=True, note=note)


def public_object(args, **kw):
    """Another organisation's object that is public to read: everyone gets the page; a
    forged POST from anybody changes nothing."""
    return Entry(args, _expect(OK), forge_all=True, **kw)
