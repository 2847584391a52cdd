"""The run report: what each stage did, in markdown for people and JSON for machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def _link(path: str) -> str:
    """A markdown link a person can click (file:// for local paths), with the path shown."""
    target = path if "://" in path else Path(path).resolve().as_uri()
    return f"[`{path}`]({target})"


def _percent(share: float | None) -> str:
    """0.873 as `87.3%`; `-` when there is no share (nothing to resolve)."""
    return "-" if share is None or share != share else f"{share:.1%}"  # NaN != NaN


@dataclass
class RunReport:
    """Everything a person asks after a run: rows, quarantine, checks, timings and where to look."""

    started_at: str
    parameters: dict[str, Any]
    loads: list[dict[str, Any]] = field(default_factory=list)
    silver: dict[str, Any] = field(default_factory=dict)
    maintenance: dict[str, Any] = field(default_factory=dict)  # per silver table, when it ran
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    dbt: dict[str, Any] = field(default_factory=dict)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    resolution: list[dict[str, Any]] = field(default_factory=list)  # rpt_entity_resolution's rows
    durations_s: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # stage -> why it did not run
    paths: dict[str, str] = field(default_factory=dict)
    failure: str | None = None

    def skipped_stage(self, stage: str, result: dict[str, Any]) -> bool:
        """Whether a stage's result says it did not run (flows.stages: nothing new for it); if so,
        the report lists it with the reason."""
        if result.get("not_run"):
            self.skipped[stage] = str(result["not_run"])
            return True
        return False

    def to_markdown(self) -> str:
        """A short markdown summary, also published as a Prefect artifact."""
        lines = [f"# Movie warehouse run ({self.started_at})", ""]
        if self.failure:
            lines += [f"**FAILED** at {self.failure}", ""]
        lines += ["## Loaded to raw/", ""]
        lines += ["| dataset | table | rows |", "|---|---|---|"]
        for load in self.loads:
            lines += [
                f"| {load['dataset']} | {table} | {rows} |" for table, rows in sorted(load["rows"].items())
            ]
        if not any(load["rows"] for load in self.loads):
            lines.append("| (all sources unchanged: nothing appended) | | 0 |")
        lines += self._totals_lines()
        lines += ["", f"## Silver (CPI base month {self.silver.get('base_month')})", ""]
        # How each entity was published: rebuilt `full`, or (ratings) `appended`/`merged`/`unchanged`.
        published = self.silver.get("published", {})
        lines += ["| entity | rows | published |", "|---|---|---|"]
        lines += [
            f"| {entity} | {rows} | {published.get(entity, 'full')} |"
            for entity, rows in sorted(self.silver.get("rows", {}).items())
        ]
        lines += ["", "## Identity crosswalk", "", "| what | count |", "|---|---|"]
        lines += [
            f"| conflict: {kind} | {n} |"
            for kind, n in sorted(self.silver.get("crosswalk_conflicts", {}).items())
        ]
        lines += [
            f"| unmatched: {kind} | {n} |" for kind, n in sorted(self.silver.get("unmatched", {}).items())
        ]
        lines += ["", "## Quarantined rows by reason", "", "| where: reason | rows |", "|---|---|"]
        lines += [
            f"| {reason} | {rows} |"
            for reason, rows in sorted(self.silver.get("quarantined_by_reason", {}).items())
        ]
        lines += self._quarantine_lines()
        lines += self._resolution_lines()
        lines += [
            "",
            "## Checks",
            "",
            "| layer | expectations | warnings | critical |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {layer} | {q['evaluated']} | {len(q['warnings'])} | {len(q['critical'])} |"
            for layer, q in self.quality.items()
        ]
        lines += ["", *self._check_lines()]
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(self.dbt.get("statuses", {}).items()))
        lines += ["", f"dbt: {statuses or 'built nothing'}", ""]
        lines += [f"- dbt warned: `{node}`" for node in self.dbt.get("warned", [])]
        lines += ["## Durations (s)", "", "| stage | seconds |", "|---|---|"]
        lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in self.durations_s.items()]
        lines += [f"| {stage} | skipped: {why} |" for stage, why in self.skipped.items()]
        lines += ["", "## Where to look", ""] + [
            f"- {name}: {_link(path)}" for name, path in self.paths.items()
        ]
        return "\n".join(lines) + "\n"

    def _totals_lines(self) -> list[str]:
        """Per source: records read = loaded + quarantined + skipped (the run fails when they differ)."""
        read = [load for load in self.loads if load.get("read") is not None]
        if not read:
            return []
        lines = ["", "Totals (records read = loaded + quarantined + skipped as unchanged):", ""]
        lines += [
            "| dataset | read | loaded | quarantined | skipped | unaccounted |",
            "|---|---|---|---|---|---|",
        ]
        for load in read:
            quarantined, skipped = load["rows"].get("quarantine", 0), load.get("skipped", 0)
            loaded = load["read"] - load["unaccounted"] - quarantined - skipped
            lines.append(
                f"| {load['dataset']} | {load['read']} | {loaded} | {quarantined} | {skipped} "
                f"| {load['unaccounted']} |"
            )
        return lines

    def _quarantine_lines(self) -> list[str]:
        """The warehouse's fct_quarantined_records, counted by layer, source, entity and reason."""
        if not self.quarantine:
            return []
        lines = ["", "In the warehouse (`marts.fct_quarantined_records`):", ""]
        lines += ["| layer | source | entity | reason | rows |", "|---|---|---|---|---|"]
        return lines + [
            f"| {q['layer']} | {q['source_name']} | {q['entity']} | {q['reason']} | {q['row_count']} |"
            for q in self.quarantine
        ]

    def _resolution_lines(self) -> list[str]:
        """The share of each source's ids the next one resolves (`marts.rpt_entity_resolution`)."""
        if not self.resolution:
            return []
        lines = ["", "## Entity resolution (`marts.rpt_entity_resolution`)", ""]
        lines += ["| from | to | ids | resolved | rate |", "|---|---|---|---|---|"]
        return lines + [
            f"| {r['from_source']} | {r['to_source']} | {r['from_count']} | {r['resolved_count']} "
            f"| {_percent(r['resolution_rate'])} |"
            for r in self.resolution
        ]

    def _check_lines(self) -> list[str]:
        """Every failed expectation by name: warnings (reported) and critical ones (stop the run)."""
        return [
            f"- {kind}: {failure}"
            for q in self.quality.values()
            for kind in ("critical", "warnings")
            for failure in q.get(kind, [])
        ]

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write run_report.md and run_report.json into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        markdown, data = folder / "run_report.md", folder / "run_report.json"
        markdown.write_text(self.to_markdown(), encoding="utf-8")
        data.write_text(json.dumps(asdict(self), indent=2, sort_keys=True, default=str), encoding="utf-8")
        return markdown, data
