"""dbt-duckdb plugin: every dbt invocation on DuckDB first points `silver.<entity>` views at the
current snapshot of silver's Iceberg tables (lakehouse.duckdb), so sources are tables on every target.

The lake comes from MOVIES_LAKE (as the profile's other paths do), the catalog from the lake or
MOVIES_ICEBERG_CATALOG_URI (lakehouse.catalog). Configured in dbt_project/profiles.yml.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import create_silver_views


class Plugin(BasePlugin):
    """Creates the silver views when dbt-duckdb opens the warehouse."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        """Views over silver's current snapshots (none when the lake holds no catalog yet)."""
        lake = os.environ.get("MOVIES_LAKE", "../data/lake")
        create_silver_views(conn, catalog_for(lake))
