"""The GX file context: opened lazily (GX is a heavy import), each layer's checkpoint and validation
definitions created on first use (then committed), and GX's results turned into Failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quality.frames import TABLES
from quality.results import Failure

DATASOURCE = "check_frames"
FRAMES_DIR = "uncommitted/frames"  # relative to the GX context root (great_expectations/gx)
BATCH = "latest"


def open_context(gx_root: Path) -> Any:
    """The file data context under `gx_root`, its pandas engine set not to fingerprint batches."""
    import great_expectations as gx  # a heavy import: only when validating

    without_batch_fingerprints()
    return gx.get_context(mode="file", project_root_dir=str(gx_root))


def without_batch_fingerprints() -> None:
    """Stop GX's pandas engine from md5-hashing every batch under 1 GB for a batch marker.

    The marker (`pandas_data_fingerprint`) is informational: nothing in a validation reads it. At
    Kaggle scale the raw ratings frame (26M rows, 0.8 GB) falls under GX's threshold, and hashing it
    was a large share of the raw layer's time (docs/benchmark.md). GX has no setting for it; its
    engine compares the frame's size with the module's `HASH_THRESHOLD` on each batch, so a
    threshold of 0 turns it off.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def checkpoint(context: Any, layer: str) -> Any:
    """The layer's checkpoint; created with its validation definitions the first time (then committed)."""
    from great_expectations.checkpoint import UpdateDataDocsAction

    import great_expectations as gx

    try:
        return context.checkpoints.get(layer)
    except Exception:  # GX raises a bare DataContextError subclass per store; absence is expected
        pass
    # GX resolves the datasource's relative base_directory against the working directory when it
    # tests and reads it: callers run this from the context root (validate_layer does).
    definitions = [_definition(context, f"{layer}__{table}", layer, table) for table in TABLES[layer]]
    return context.checkpoints.add(
        gx.Checkpoint(
            name=layer,
            validation_definitions=definitions,
            actions=[UpdateDataDocsAction(name="update_data_docs")],
        )
    )


def _definition(context: Any, name: str, layer: str, table: str) -> Any:
    """A table's validation definition: its suite on its parquet check frame."""
    import great_expectations as gx

    try:
        return context.validation_definitions.get(name)
    except Exception:
        pass
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except Exception:
        datasource = context.data_sources.add_pandas_filesystem(DATASOURCE, base_directory=FRAMES_DIR)
    asset = datasource.add_parquet_asset(name)
    batch = asset.add_batch_definition_path(BATCH, path=f"{layer}/{table}.parquet")
    suite = context.suites.get(name)
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


def failure_of(table: str, item: Any) -> Failure:
    """One failed GX expectation result as a Failure: severity, column, a few offending values."""
    config = item.expectation_config
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    result = item.result or {}
    sample = result.get("partial_unexpected_list") or (
        [result["observed_value"]] if "observed_value" in result else []
    )
    if sample and all(value is None for value in sample):  # nulls say nothing: say how many
        sample = [f"{result.get('unexpected_count')} null ({result.get('unexpected_percent', 0):.2f}%)"]
    return Failure(table=table, expectation=config.type, severity=severity,
                   column=config.kwargs.get("column"), sample=list(sample))  # fmt: skip
