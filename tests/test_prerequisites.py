"""The prerequisites check that `make test` starts with (tests.prerequisites)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.prerequisites import POSTGRES, missing, refusal

pytestmark = pytest.mark.scaleout  # the prerequisites of the scale-out tests among them


def _tool(folder: Path, name: str, stderr: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{stderr}' >&2\n")
    script.chmod(0o755)


def test_this_machine_has_everything():
    assert missing() == []


def test_an_old_java_no_chromium_and_no_postgresql_are_all_named(tmp_path):
    _tool(tmp_path, "java", 'openjdk version "11.0.22" 2024-01-16')
    lacking = missing({"PATH": str(tmp_path)}, debian=tmp_path / "none")
    assert lacking == [
        f"Java 17+ as `java` or JAVA_HOME, for Spark (found Java 11 at {tmp_path / 'java'})",
        "Chromium as `chromium`, for the browser checks (Debian: apt-get install chromium)",
        POSTGRES,
    ]


def test_postgresql_is_found_in_debians_versioned_folder(tmp_path):
    for tool in ("java", "chromium"):
        _tool(tmp_path / "path", tool, 'openjdk version "17.0.15"')
    for program in ("initdb", "pg_ctl"):
        _tool(tmp_path / "debian" / "15" / "bin", program)
    assert missing({"PATH": str(tmp_path / "path")}, debian=tmp_path / "debian") == []


def test_java_home_wins_over_path_and_java_8_reads_as_8(tmp_path):
    _tool(tmp_path / "path", "java", 'openjdk version "21.0.1"')
    _tool(tmp_path / "path", "chromium")
    _tool(tmp_path / "home" / "bin", "java", 'java version "1.8.0_412"')
    for program in ("initdb", "pg_ctl"):
        _tool(tmp_path / "path", program)
    lacking = missing({"PATH": str(tmp_path / "path"), "JAVA_HOME": str(tmp_path / "home")})
    assert lacking == [
        f"Java 17+ as `java` or JAVA_HOME, for Spark (found Java 8 at {tmp_path / 'home/bin/java'})"
    ]


def test_a_suitable_machine_lacks_nothing(tmp_path):
    _tool(tmp_path, "java", 'openjdk version "17.0.15" 2025-04-15')
    for program in ("chromium", "initdb", "pg_ctl"):
        _tool(tmp_path, program)
    assert missing({"PATH": str(tmp_path)}) == []


def test_pytest_stops_in_one_line_before_collecting(tmp_path):
    _tool(tmp_path, "java", 'openjdk version "17.0.15"')
    env = {**os.environ, "PATH": str(tmp_path)}
    env.pop("JAVA_HOME", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_prerequisites.py"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 4
    said = [line for line in (result.stdout + result.stderr).splitlines() if "make test needs" in line]
    assert len(said) == 1
    assert refusal(missing({"PATH": str(tmp_path)})) in said[0]
    assert "passed" not in result.stdout and "collected" not in result.stdout
