"""Scale-out configuration: a local Trino for the dbt Trino target, docker-compose for a cluster."""
