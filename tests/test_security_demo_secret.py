"""Issue 12, item 16: the demo's SECRET_KEY is random, made on the first `make demo` and
kept in the data folder; no key is written in the code."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from essor.settings import demo_secret_key

SETTINGS = Path(__file__).resolve().parents[1] / "essor" / "settings.py"


def test_the_first_run_writes_a_random_key_that_later_runs_keep(tmp_path):
    key = demo_secret_key(tmp_path / "var")
    assert len(key) >= 50
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_secret_key(tmp_path / "var") == key
    assert demo_secret_key(tmp_path / "other") != key


def settings_key(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(ESSOR_DATA_DIR=str(data_dir), **extra)
    return subprocess.run(
        [sys.executable, "-c", "from essor import settings; print(settings.SECRET_KEY)"],
        env=env, capture_output=True, text=True, cwd=SETTINGS.parents[1],
    )  # fmt: skip


def test_the_demo_settings_read_the_key_of_their_data_folder(tmp_path):
    first = settings_key(tmp_path, DEBUG="1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (tmp_path / "secret_key").read_text().strip()
    assert settings_key(tmp_path, DEBUG="1").stdout == first.stdout
    # An explicit key wins; without DEBUG there is no fallback at all.
    assert settings_key(tmp_path, DEBUG="1", SECRET_KEY="k" * 50).stdout.strip() == "k" * 50
    refused = settings_key(tmp_path)
    assert refused.returncode != 0 and "SECRET_KEY doit être défini" in refused.stderr


def test_no_secret_key_is_written_in_the_settings():
    source = SETTINGS.read_text()
    assert not re.search(r"SECRET\w*\s*=\s*[\"']", source)
    assert "insecure" not in source
