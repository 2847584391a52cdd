"""Great Expectations checks per layer (raw, silver, gold), one GX checkpoint per layer.

Suites live as JSON in the file context under `great_expectations/gx/expectations/`, one per
`<layer>__<table>`, reviewed like code; `checkpoints/<layer>.json` groups a layer's validation
definitions and rebuilds Data Docs. Each expectation carries GX's own `severity`: a failed
`critical` one fails the run naming the layer, table, expectation and offending values; a failed
`warning` is reported and the run goes on.

A layer is checked in three steps. Each table's *check frame* (quality.frames: the table itself, or
a query adding the columns a check needs, its SQL a template in `quality/sql/`) is computed by SQL,
cut to the columns its suite names (quality.suites) and written as parquet under
`gx/uncommitted/frames/<layer>/`; the layer's checkpoint (quality.context) validates those files
with GX's pandas engine, given the values that change per run as expectation parameters
(quality.parameters); quality.runner does both under a lock per GX context, and quality.data_docs
makes the rendered Data Docs load nothing from the network.

Gold frames are not validated through GX's SQL datasource: GX 1.24's on DuckDB (duckdb-engine) reads
results after the connection is released and fails every expectation. They are read by the
warehouse's own engine (DuckDB with the warehouse attached beside the lake, or Trino's DB-API
client), so GX always sees a frame and every suite runs unchanged on every target.
"""
