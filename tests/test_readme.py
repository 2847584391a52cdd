"""The README's reliability tables name, for every fault, the test that proves it: each named test
file and test function exists, and each chaos scenario named is one `bench.chaos` injects."""

from __future__ import annotations

import re
from pathlib import Path

from bench.chaos.scenarios import NAMES

PROJECT = Path(__file__).resolve().parents[1]
FIRST, LAST = "### Reliability", "Every rejected row is queryable"


def _rows() -> list[str]:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(FIRST) : text.index(LAST)]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| fault")]


def _named_tests(cell: str) -> list[tuple[str, str, str]]:
    """(prefix, file, function) for each test a cell names: `tests/<path>`, or `…/<file>` (the folder
    named before it in the table) or `…::<function>` (the file named before it)."""
    found = re.findall(r"`(tests/|…/|…)?([\w/]*\.py)?(?:::(\w+))?", cell)
    return [(prefix, path, name) for prefix, path, name in found if path or name]


def test_every_test_the_reliability_tables_name_exists() -> None:
    rows = _rows()
    assert len(rows) >= 30  # issue 32: at least 30 scenarios documented
    last_file: Path | None = None
    checked = 0
    for row in rows:
        for prefix, path, name in _named_tests(row.rstrip(" |").rsplit(" | ", 1)[-1]):
            if path:
                folder = PROJECT / "tests" if prefix == "tests/" else (last_file or PROJECT).parent
                last_file = folder / path
                assert last_file.is_file(), f"{path} in: {row}"
            if name:
                assert last_file is not None and f"def {name}(" in last_file.read_text(), f"{name} in: {row}"
            checked += 1
    assert checked >= 30


def test_every_chaos_scenario_is_in_the_table_with_its_test_id() -> None:
    ids = {found for row in _rows() for found in re.findall(r"`\[([^\]…]+)\]`", row)}
    kills = {name for name in NAMES if name.startswith("kill -9 during the ")}
    assert ids | kills == set(NAMES)  # the four `[kill -9 during the …]` are named together
    assert ids <= set(NAMES)
