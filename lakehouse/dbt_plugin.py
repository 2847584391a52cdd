"""dbt-duckdb plugin: every dbt invocation on DuckDB first points `silver.<entity>` views at the
current snapshot of silver's Iceberg tables (lakehouse.duckdb), so sources are tables on every target.

The lake is the settings' (MOVIES_LAKE, which the flow sets from the same settings as the
profile's warehouse path); the catalog is the lake's, or MOVIES_ICEBERG_CATALOG_URI's
(lakehouse.catalog). Configured in dbt_project/profiles.yml.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import create_silver_views
from settings import Settings


class Plugin(BasePlugin):
    """Creates the silver views when dbt-duckdb opens the warehouse."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        """Views over silver's current snapshots (none when the lake holds no catalog yet)."""
        create_silver_views(conn, catalog_for(Settings.read().lake_url))
