"""dbt-project-evaluator's rules, checked on target/manifest.json and catalog.json (the package
itself cannot be installed offline): naming and folders, DAG shape, primary-key tests, full
documentation and test coverage, source freshness. Each rule lists the offenders, so a failure
names what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_1
from .warehouse import DBT_VARS, build

pytestmark = pytest.mark.slow

PROJECT = "movie_warehouse"
PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("dim_", "fct_", "bridge_", "rpt_")}
PK_TESTS = {"unique", "unique_combination_of_columns"}


@pytest.fixture(scope="module")
def artifacts(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> dict[str, Any]:
    """The manifest and the catalog (real column lists) of a project built on the test lake."""
    build(dbt_workspace, run_dbt, BATCH_1, "rules")
    result = run_dbt(["docs", "generate", "--vars", DBT_VARS])
    assert result.success, result.exception
    target = dbt_workspace.target_path
    return {name: json.loads((target / f"{name}.json").read_text()) for name in ("manifest", "catalog")}


def models(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == PROJECT:
            yield node


def layer(node: dict[str, Any]) -> str:
    """`staging`, `intermediate` or `marts`: the first folder under models/."""
    return Path(node["original_file_path"]).parts[1]


def attached_tests(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test":
            for parent in node["depends_on"]["nodes"]:
                found.setdefault(parent, []).append(node)
    return found


def test_every_model_sits_in_a_layer_folder_with_its_prefix(artifacts: dict[str, Any]) -> None:
    wrong = [
        node["original_file_path"]
        for node in models(artifacts["manifest"])
        if layer(node) not in PREFIXES or not node["name"].startswith(PREFIXES[layer(node)])
    ]
    assert wrong == []


def test_staging_models_are_named_after_their_one_source(artifacts: dict[str, Any]) -> None:
    """One source per staging model, no model upstream, and `stg_<source>__<entity>` naming."""
    manifest = artifacts["manifest"]
    wrong = []
    for node in models(manifest):
        if layer(node) != "staging":
            continue
        sources = [manifest["sources"][s] for s in node["depends_on"]["nodes"] if s.startswith("source.")]
        upstream_models = [m for m in node["depends_on"]["nodes"] if m.startswith("model.")]
        if (
            len(sources) != 1
            or upstream_models
            or not node["name"].startswith(f"stg_{sources[0]['source_name']}__")
        ):
            wrong.append(node["name"])
    assert wrong == []


def test_only_staging_reads_sources_and_no_model_mixes_sources_and_models(artifacts: dict[str, Any]) -> None:
    wrong = [
        node["name"]
        for node in models(artifacts["manifest"])
        if layer(node) != "staging" and any(d.startswith("source.") for d in node["depends_on"]["nodes"])
    ]
    assert wrong == []


def test_every_model_has_a_primary_key_test(artifacts: dict[str, Any]) -> None:
    """unique + not_null on one column, or a unique combination of columns."""
    manifest = artifacts["manifest"]
    tests = attached_tests(manifest)
    missing = []
    for node in models(manifest):
        attached = tests.get(node["unique_id"], [])
        names = {
            (t["test_metadata"]["name"], t.get("column_name")) for t in attached if t.get("test_metadata")
        }
        single = {column for name, column in names if name == "unique"} & {
            column for name, column in names if name == "not_null"
        }
        if not single and not any(name == "unique_combination_of_columns" for name, _ in names):
            missing.append(node["name"])
    assert missing == []


def test_every_model_and_every_built_column_is_described(artifacts: dict[str, Any]) -> None:
    """100% documentation: the model, and each column the warehouse actually has (from the catalog)."""
    manifest, catalog = artifacts["manifest"], artifacts["catalog"]
    undocumented = []
    for node in models(manifest):
        if not node["description"].strip():
            undocumented.append(node["name"])
        described = {
            name.lower() for name, column in node["columns"].items() if column["description"].strip()
        }
        built = catalog["nodes"].get(node["unique_id"], {}).get("columns", {})
        assert built, f"{node['name']} is not in the catalog"
        undocumented += [f"{node['name']}.{name}" for name in built if name.lower() not in described]
    assert undocumented == []


def test_every_source_is_described_and_has_freshness(artifacts: dict[str, Any]) -> None:
    wrong = []
    for source in artifacts["manifest"]["sources"].values():
        freshness = source.get("freshness") or {}
        has_freshness = bool((freshness.get("warn_after") or {}).get("count")) and bool(
            (freshness.get("error_after") or {}).get("count")
        )
        if not (source["description"].strip() and source.get("loaded_at_field") and has_freshness):
            wrong.append(source["name"])
    assert wrong == []


def test_public_marts_are_grouped_and_the_report_is_an_exposure(artifacts: dict[str, Any]) -> None:
    manifest = artifacts["manifest"]
    marts = [node for node in models(manifest) if layer(node) == "marts"]
    ungrouped = [node["name"] for node in marts if node["config"].get("group") is None]
    assert ungrouped == []
    assert all(node["access"] == "public" for node in marts)
    assert all(node["access"] != "public" for node in models(manifest) if layer(node) != "marts")
    exposures = {exposure["name"]: exposure for exposure in manifest["exposures"].values()}
    assert "run_report" in exposures
    assert "model.movie_warehouse.rpt_top_directors" in exposures["run_report"]["depends_on"]["nodes"]


def test_no_intermediate_model_depends_on_a_mart(artifacts: dict[str, Any]) -> None:
    """The DAG flows staging -> intermediate -> marts: an int_ model never refs a dim_/fct_/rpt_ one."""
    manifest = artifacts["manifest"]
    intermediate = [node for node in models(manifest) if layer(node) == "intermediate"]
    assert len(intermediate) >= 2
    wrong = [
        f"{node['name']} -> {manifest['nodes'][parent]['name']}"
        for node in intermediate
        for parent in node["depends_on"]["nodes"]
        if parent.startswith("model.") and layer(manifest["nodes"][parent]) == "marts"
    ]
    assert wrong == []


def test_public_models_enforce_contracts(artifacts: dict[str, Any]) -> None:
    """Every public model (core dims/facts/bridges, reports, quality) has an enforced contract
    typing each column, and its contract lists exactly the columns the warehouse built."""
    manifest, catalog = artifacts["manifest"], artifacts["catalog"]
    public = [node for node in models(manifest) if node["access"] == "public"]
    folders: dict[str, int] = {}
    for node in public:
        folder = Path(node["original_file_path"]).parts[2]
        folders[folder] = folders.get(folder, 0) + 1
    assert folders["core"] >= 14
    assert folders["reporting"] >= 11
    assert folders["quality"] >= 1
    loose = [
        node["name"]
        for node in public
        if not node["config"]["contract"]["enforced"]
        or any(not column.get("data_type") for column in node["columns"].values())
    ]
    assert loose == []
    mismatched = {}
    for node in public:
        built = {name.lower() for name in catalog["nodes"][node["unique_id"]]["columns"]}
        if set(node["columns"]) != built:
            mismatched[node["name"]] = sorted(set(node["columns"]) ^ built)
    assert mismatched == {}
