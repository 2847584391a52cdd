-- Runs once, on the first start of an empty PostgreSQL volume (psql runs it, so \connect works).
create database iceberg;  -- Iceberg JDBC catalog of the compose Trino
create database prefect;  -- Prefect server

-- Trino's Iceberg JDBC catalog does not create its tables: they must exist before the first query.
-- Iceberg's JDBC catalog layout (iceberg_type: table or view, schema V1; null reads as a table).
\connect iceberg
create table if not exists iceberg_tables (
    catalog_name varchar(255) not null,
    table_namespace varchar(255) not null,
    table_name varchar(255) not null,
    metadata_location varchar(1000),
    previous_metadata_location varchar(1000),
    iceberg_type varchar(5),
    primary key (catalog_name, table_namespace, table_name)
);
create table if not exists iceberg_namespace_properties (
    catalog_name varchar(255) not null,
    namespace varchar(255) not null,
    property_key varchar(255) not null,
    property_value varchar(1000),
    primary key (catalog_name, namespace, property_key)
);
