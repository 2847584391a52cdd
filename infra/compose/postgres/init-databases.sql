-- Runs once, on the first start of an empty PostgreSQL volume.
create database polaris;  -- Polaris's metastore (polaris-bootstrap writes its schema)
create database prefect;  -- Prefect server
