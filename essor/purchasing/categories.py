"""The shipped tree of purchase categories (data/categories.json), written to the
database by a migration and again by sync_categories() when the file changes."""

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "categories.json"


def read_tree():
    with DATA.open(encoding="utf-8") as f:
        return json.load(f)["groups"]


def sync_categories(model=None):
    """Create or update every family and category of the file (idempotent); takes the
    historical model in a migration. Returns the number of rows written."""
    if model is None:
        from .models import PurchaseCategory as model
    written = 0
    for position, group in enumerate(read_tree(), start=1):
        family, _ = model.objects.update_or_create(
            code=group["code"],
            defaults={"name": group["name"], "parent": None, "position": position * 100},
        )
        written += 1
        for index, item in enumerate(group["categories"], start=1):
            model.objects.update_or_create(
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "parent": family,
                    "cpv_division": item.get("cpv", ""),
                    "specific_services": item.get("specific_services", False),
                    "position": position * 100 + index,
                },
            )
            written += 1
    return written


def category_tree(categories):
    """[(family, [category])] of the categories given (all of them, in order)."""
    families, children = [], {}
    for category in categories:
        if category.parent_id is None:
            families.append(category)
        else:
            children.setdefault(category.parent_id, []).append(category)
    return [(family, children.get(family.pk, [])) for family in families]
