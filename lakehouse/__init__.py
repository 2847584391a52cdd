"""Silver's Iceberg catalog as every engine reaches it: Spark writes, pyiceberg, DuckDB and Trino read."""
