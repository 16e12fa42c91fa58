"""The import contract: layers go one way, and a feature app reaches another only
through its service functions.

    core → the API helpers (essor/api)
      → territories, accounts
        → directory
          → search
            → feature apps (support, financing, ...)
              → portal

A module may import its own app and the layers below it, never a layer above nor a
sibling of its own layer; feature apps are the exception: one may import another's
`services` module, the functions that app declares for the others, and nothing else of
it. Templates follow the same rule for the tag libraries they load and the templates
they include or extend. The project's composition root (settings, urls, wsgi) may use
every app.

A new app declares its layer in LAYERS below."""

import ast
import re
import sys
from pathlib import Path

import pytest

ESSOR = Path(__file__).resolve().parent.parent / "essor"

FEATURE_APPS = {
    "support",
    "financing",
    "initiatives",
    "resources",
    "observatory",
    "purchasing",
    "events",
    "consultation",
    "cooperation",
}
LAYERS = {
    "core": 0,
    "api": 1,  # the API's helpers, on core; the apps' routers use them
    "territories": 2,
    "accounts": 2,
    "directory": 3,
    "search": 4,
    **dict.fromkeys(FEATURE_APPS, 5),
    "portal": 6,
}
# What one feature app may import of another.
SERVICE_MODULE = "services"
# Modules of the essor package itself that wire every app together.
COMPOSITION_ROOT = {"settings", "urls", "wsgi", "__main__", "__init__"}


def app_of(path):
    """The app a file of essor/ belongs to ("support"), or None for the project root."""
    parts = path.relative_to(ESSOR).parts
    return parts[0] if len(parts) > 1 else None


def module_name(path):
    parts = list(path.relative_to(ESSOR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """(line, module, names) of every import in a file, relative ones made absolute;
    imports inside functions count as much as the others."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module, [alias.name for alias in node.names]


def crossing(source_app, target_app, target_rest):
    """Why `source_app` may not import `essor.<target_app>.<target_rest...>`, or None."""
    if target_app == source_app or source_app is None:
        return None
    if source_app not in LAYERS:
        return f"the app {source_app!r} has no layer: add it to LAYERS in {__name__}"
    if target_app not in LAYERS:
        return f"the app {target_app!r} has no layer: add it to LAYERS in {__name__}"
    source, target = LAYERS[source_app], LAYERS[target_app]
    if source == target == LAYERS["support"]:
        if target_rest[:1] == [SERVICE_MODULE]:
            return None
        return f"a feature app reaches {target_app} only through essor.{target_app}.services"
    if target >= source:
        return f"{source_app} (layer {source}) may not import {target_app} (layer {target})"
    return None


def python_violations():
    found = []
    for path in sorted(ESSOR.rglob("*.py")):
        source_app = app_of(path)
        if source_app is None and path.stem in COMPOSITION_ROOT:
            continue
        for line, module, names in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "essor" or len(parts) < 2:
                continue
            target_app, rest = parts[1], parts[2:]
            # "from essor.support import services" imports the module services.
            targets = [rest] if rest or not names else [[name] for name in names]
            for target_rest in targets:
                reason = crossing(source_app, target_app, target_rest)
                if reason:
                    where = path.relative_to(ESSOR.parent)
                    found.append(f"{where}:{line} imports {module}: {reason}")
    return found


TEMPLATE_TAG = re.compile(r"{%\s*(load|include|extends)\s+(.+?)\s*%}")


def tag_libraries():
    """Tag library name -> the app that defines it."""
    return {
        path.stem: app_of(path)
        for path in ESSOR.glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }


def template_apps():
    """Template folder name ("support" in "support/offer.html") -> its app."""
    return {path.name: app_of(path) for path in ESSOR.glob("*/templates/*") if path.is_dir()}


def template_violations():
    libraries, folders = tag_libraries(), template_apps()
    found = []
    for path in sorted(ESSOR.glob("*/templates/**/*.html")):
        source_app = app_of(path)
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TAG.finditer(text):
            kind, argument = match.groups()
            if kind == "load":
                names = argument.split()
                if "from" in names:
                    names = names[names.index("from") + 1 :]
                targets = [(name, libraries.get(name)) for name in names]
            else:
                name = argument.split()[0].strip("\"'")
                targets = [(name, folders.get(name.split("/")[0]))]
            for name, target_app in targets:
                if target_app is None:
                    continue  # Django's own libraries and templates, or a variable
                # A template is no service function: feature apps share none.
                reason = crossing(source_app, target_app, [])
                if reason:
                    line = text.count("\n", 0, match.start()) + 1
                    where = path.relative_to(ESSOR.parent)
                    found.append(f"{where}:{line} {kind}s {name}: {reason}")
    return found


def test_no_module_imports_a_higher_layer_or_another_feature_apps_insides():
    assert python_violations() == []


def test_no_template_uses_a_higher_layers_tags_or_templates():
    assert template_violations() == []


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ESSOR.glob("*/apps.py")}
    assert apps - set(LAYERS) == set()


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("core", ["accounts", "perms"], False),
        ("territories", ["accounts", "models"], False),
        ("directory", ["accounts", "perms"], True),
        ("directory", ["support", "services"], False),
        ("search", ["directory", "models"], True),
        ("support", ["initiatives", "services"], True),
        ("support", ["initiatives", "models"], False),
        ("support", ["initiatives"], False),
        ("support", ["portal", "views"], False),
        ("portal", ["support", "models"], True),
    ],
)
def test_the_contract_tells_allowed_imports_from_forbidden_ones(source, target, allowed):
    assert (crossing(source, target[0], target[1:]) is None) is allowed


def test_relative_imports_are_read_as_absolute():
    modules = {module for _, module, _ in imported_modules(ESSOR / "support" / "sections.py")}
    assert {"essor.support.models", "essor.territories.models"} <= modules


def test_a_lower_layer_reaching_up_is_reported(tmp_path, monkeypatch):
    root = tmp_path / "essor"
    files = {
        "directory/views.py": "from essor.support.models import SupportOffer\n",
        "directory/templates/directory/page.html": "{% load support %}",
        "support/templatetags/support.py": "",
        "support/views.py": "from essor.initiatives import services, models\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "ESSOR", root)
    assert python_violations() == [
        "essor/directory/views.py:1 imports essor.support.models: directory (layer 3) may not "
        "import support (layer 5)",
        "essor/support/views.py:1 imports essor.initiatives: a feature app reaches "
        "initiatives only through essor.initiatives.services",
    ]
    assert template_violations() == [
        "essor/directory/templates/directory/page.html:1 loads support: directory (layer 3) "
        "may not import support (layer 5)"
    ]
