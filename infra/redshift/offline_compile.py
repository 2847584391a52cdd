"""Compile the dbt project for Redshift (or Trino) with no cluster reachable.

    python -m infra.redshift.offline_compile --state fresh|built [--target redshift|trino]
                                             [--target-path DIR] [--vars JSON]

`dbt compile` renders every node without a connection except where a macro asks the warehouse a
question; in this project the only such question is `is_incremental()`'s "does this table exist?".
Offline it is answered from a fixed catalog: `fresh` (nothing exists: the SQL of a first build) or
`built` (every model and snapshot exists: the SQL of an incremental run). Opening a connection is
refused, so anything else that needs the cluster fails loudly instead of being faked. Nothing runs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal
from unittest import mock

from dbt.adapters.base.relation import BaseRelation
from dbt.adapters.contracts.relation import RelationType
from dbt.adapters.redshift import RedshiftAdapter
from dbt.adapters.redshift.connections import RedshiftConnectionManager
from dbt.adapters.trino import TrinoAdapter
from dbt.adapters.trino.connections import TrinoConnectionManager
from dbt.artifacts.resources.types import NodeType
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# The redshift profile reads these without defaults. Offline they only have to render: the
# connection is never opened, so no value here reaches a server.
PLACEHOLDERS = {
    "MOVIES_REDSHIFT_HOST": "redshift.offline.invalid",
    "MOVIES_REDSHIFT_USER": "offline",
    "MOVIES_REDSHIFT_PASSWORD": "offline-compile-never-connects",
}
State = Literal["fresh", "built"]
# Each offline target: its adapter (asked "does this relation exist?") and connection manager (refused).
ADAPTERS: dict[str, tuple[type, type]] = {
    "redshift": (RedshiftAdapter, RedshiftConnectionManager),
    "trino": (TrinoAdapter, TrinoConnectionManager),
}


class OfflineConnectionError(RuntimeError):
    """dbt tried to reach the warehouse during an offline compile."""


@contextmanager
def _placeholder_env() -> Iterator[None]:
    missing = {name: value for name, value in PLACEHOLDERS.items() if not os.environ.get(name)}
    os.environ.update(missing)
    try:
        yield
    finally:
        for name in missing:
            os.environ.pop(name, None)


def _refuse_connection(cls: type, connection: object) -> None:
    raise OfflineConnectionError("offline compile: dbt tried to open a warehouse connection")


def _dbt_args(command: str, target: str, target_path: Path, extra: Sequence[str]) -> list[str]:
    return [
        command,
        "--target", target,
        "--project-dir", DBT_PROJECT_DIR.as_posix(),
        "--profiles-dir", DBT_PROJECT_DIR.as_posix(),
        "--target-path", target_path.as_posix(),
        "--log-path", (target_path / "logs").as_posix(),
        *extra,
    ]  # fmt: skip


def built_relations(manifest: Manifest) -> set[tuple[str, str]]:
    """(schema, identifier) of every relation a full `dbt build` leaves behind."""
    kinds = {NodeType.Model, NodeType.Snapshot, NodeType.Seed}
    return {
        (node.schema.lower(), (node.alias or node.name).lower())
        for node in manifest.nodes.values()
        if node.resource_type in kinds
    }


def _catalog_listing(existing: set[tuple[str, str]]):  # noqa: ANN202 (bound as an adapter method)
    def list_relations(adapter: Any, schema_relation: BaseRelation) -> list[BaseRelation]:
        schema = (schema_relation.schema or "").lower()
        return [
            adapter.Relation.create(
                database=schema_relation.database, schema=schema, identifier=name, type=RelationType.Table
            )
            for relation_schema, name in sorted(existing)
            if relation_schema == schema
        ]

    return list_relations


def compile_offline(
    target_path: Path, state: State, extra_args: Sequence[str] = (), target: str = "redshift"
) -> dbtRunnerResult:
    """`dbt compile --target <target>` with is_incremental() answered from the `state` catalog."""
    adapter, connections = ADAPTERS[target]
    with (
        _placeholder_env(),
        mock.patch.object(connections, "open", classmethod(_refuse_connection)),
    ):
        existing: set[tuple[str, str]] = set()
        if state == "built":
            parsed = dbtRunner().invoke(_dbt_args("parse", target, target_path, extra_args))
            if not parsed.success or not isinstance(parsed.result, Manifest):
                return parsed
            existing = built_relations(parsed.result)
        with mock.patch.object(adapter, "list_relations_without_caching", _catalog_listing(existing)):
            args = _dbt_args("compile", target, target_path, ["--no-populate-cache", *extra_args])
            return dbtRunner().invoke(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.redshift.offline_compile", description=__doc__)
    parser.add_argument("--state", choices=("fresh", "built"), default="fresh")
    parser.add_argument("--target", choices=sorted(ADAPTERS), default="redshift")
    parser.add_argument("--target-path", default=(DBT_PROJECT_DIR / "target" / "redshift").as_posix())
    parser.add_argument("--vars", help="dbt --vars (YAML/JSON)")
    args = parser.parse_args(argv)
    extra = ["--vars", args.vars] if args.vars else []
    result = compile_offline(Path(args.target_path), args.state, extra, args.target)
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
