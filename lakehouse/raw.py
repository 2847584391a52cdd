"""What raw/ holds, listed from Python: the files of each table and the loads they belong to.

raw/ is dlt's append-only parquet layout, `raw/<dataset>/<table>/<load_id>.<file_id>.parquet`, so
what a table holds is a listing away. Spark's reader (spark.lake) and the check that decides whether
silver has anything to do before a JVM starts (spark.jobs.silver) both list through here, so both see
the same loads. fsspec serves a local folder and an `s3://` lake (s3fs, with the endpoint and keys
of lakehouse.s3, as everywhere else); listings are never cached, since a new load must be
seen by the next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from lakehouse.s3 import s3_access

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# The columns of every raw dataset's `quarantine` table (docs/lake_layout.md), all text: the file or
# endpoint, the line, record or id, the value as received, and why it was rejected.
QUARANTINE_COLUMNS = ("source_file", "position", "raw_value", "reason")
# A raw table's loads as a watermark: its newest load id and how many loads it holds up to that one.
Watermark = tuple[str, int]


def load_id_of(file_name: str) -> str | None:
    """The dlt load id of a raw file named `<load_id>.<file_id>.parquet` (the lake's raw layout)."""
    if not file_name.endswith(".parquet"):
        return None
    parts = file_name.split(".")
    return ".".join(parts[:-2]) if len(parts) >= 3 else None


@dataclass(frozen=True)
class RawFile:
    """One parquet file of a raw table: its URL (`s3://...` or an absolute local path) and load id."""

    url: str
    load_id: str


@dataclass(frozen=True)
class RawListing:
    """raw/ under one lake root (a local folder or `s3://bucket/prefix`)."""

    lake_url: str

    @cached_property
    def _fs(self) -> AbstractFileSystem:
        import fsspec

        if self.lake_url.startswith("s3://"):
            # s3fs keeps directory listings per instance unless told not to; a stale one would hide
            # a load that arrived after the first look.
            access = s3_access()  # the lake's endpoint and keys, as every engine takes them
            return fsspec.filesystem(
                "s3",
                key=access.key_id,
                secret=access.secret,
                endpoint_url=access.endpoint,
                client_kwargs={"region_name": access.region} if access.region else None,
                use_listings_cache=False,
                skip_instance_cache=True,
            )
        return fsspec.filesystem("file")

    @property
    def root(self) -> str:
        """raw/'s folder, as the filesystem names it (no scheme for S3, absolute for a local lake)."""
        if self.lake_url.startswith("s3://"):
            return self.lake_url.removeprefix("s3://").rstrip("/") + "/raw"
        return (Path(self.lake_url).resolve() / "raw").as_posix()

    def _entries(self, folder: str) -> list[dict[str, object]]:
        try:
            return list(self._fs.ls(folder, detail=True))
        except FileNotFoundError:
            return []

    def _folders(self, folder: str) -> list[str]:
        return sorted(
            str(entry["name"]).rstrip("/").rsplit("/", 1)[-1]
            for entry in self._entries(folder)
            if entry["type"] == "directory"
        )

    def files(self, dataset: str, table: str) -> list[RawFile]:
        """The table's parquet files, each with its load id (dlt's state and temp files left out)."""
        found = []
        for entry in self._entries(f"{self.root}/{dataset}/{table}"):
            name = str(entry["name"])
            load_id = load_id_of(name.rsplit("/", 1)[-1]) if entry["type"] == "file" else None
            if load_id is not None:
                found.append(RawFile("s3://" + name if self.lake_url.startswith("s3://") else name, load_id))
        return sorted(found, key=lambda file: (float(file.load_id), file.url))

    def load_ids(self, dataset: str, table: str) -> list[str]:
        """The loads the table holds files of, oldest first (load ids are unix times)."""
        return sorted({file.load_id for file in self.files(dataset, table)}, key=float)

    def watermarks(self) -> dict[str, Watermark]:
        """Every raw table silver may read (dlt's own `_dlt_*` left out), as `<dataset>/<table>` ->
        its watermark: what a build consumed, small enough to record in a snapshot's summary."""
        marks = {}
        for dataset in self._folders(self.root):
            for table in self._folders(f"{self.root}/{dataset}"):
                loads = [] if table.startswith("_dlt") else self.load_ids(dataset, table)
                if loads:
                    marks[f"{dataset}/{table}"] = (loads[-1], len(loads))
        return marks
