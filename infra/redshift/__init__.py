"""The Redshift target without a cluster: offline compilation of the dbt project (see infra/README.md)."""
