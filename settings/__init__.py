"""The only reader of the `MOVIES_*` environment variables (and a `.env` file): one typed block per
concern. The pipeline's paths and the dbt target (`Settings`), Spark, silver's Iceberg catalog and
Trino. Other packages take these objects, or read them here; none reads those variables itself."""

from settings.engines import IcebergSettings, SparkSettings, TrinoSettings
from settings.pipeline import PROJECT_ROOT, Settings

__all__ = ["PROJECT_ROOT", "IcebergSettings", "Settings", "SparkSettings", "TrinoSettings"]
