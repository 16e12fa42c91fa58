"""The one demo loader: every app's data/demo/*.json, each record with its provenance,
loaded in a fixed order."""

import json

import pytest

from essor.core.demo import ILLUSTRATIVE, DemoDataError, demo_steps, read_demo_file

SEED_LINES = 915  # shared/seeds/000_9478e8e6ea56f56e.txt


def test_every_demo_file_is_loaded_in_the_order_the_data_needs():
    steps = [(step.app_label, step.filename) for step in demo_steps()]

    assert steps[:6] == [
        ("accounts", "accounts.json"),
        ("directory", "report_towns.json"),
        ("directory", "synthetic.json"),
        ("support", "offers.json"),
        ("financing", "tools.json"),
        ("resources", "trainings.json"),
    ]


def test_every_demo_record_says_where_it_comes_from():
    for step in demo_steps():
        for record in step.read()["records"]:
            provenance = record["provenance"]
            assert provenance.startswith("Rapport 2016, ") or ILLUSTRATIVE in provenance, (
                step.filename,
                provenance,
            )
            if provenance.startswith("Rapport 2016, "):
                line = int(provenance.split("(ligne")[1].split(")")[0].split("-")[0].strip("s "))
                assert 1 <= line <= SEED_LINES


def test_a_demo_record_without_provenance_is_refused(tmp_path):
    path = tmp_path / "offers.json"
    path.write_text(json.dumps({"records": [{"title": "Sans source"}]}), encoding="utf-8")

    with pytest.raises(DemoDataError, match="provenance"):
        read_demo_file(path)
