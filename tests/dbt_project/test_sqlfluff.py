"""SQLFluff (dbt templater, the repo's .sqlfluff) finds nothing to fix in any model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")


def test_every_model_is_sqlfluff_clean() -> None:
    result = subprocess.run(
        [SQLFLUFF, "lint", "dbt_project/models", "--format", "json", "--nofail"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    files = json.loads(result.stdout)
    assert len(files) >= 40, result.stderr[-2000:]  # every model file was linted
    violations = [
        f"{entry['filepath']}:{v['start_line_no']} {v['code']} {v['description']}"
        for entry in files
        for v in entry["violations"]
    ]
    assert violations == []
