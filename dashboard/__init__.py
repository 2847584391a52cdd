"""The interactive dashboard: a Streamlit app on the built warehouse (`make dashboard`).

`filters` turns the sidebar's choices into one SQL predicate, `queries` asks the warehouse for each
panel's rows (every aggregate is computed by the warehouse's engine, DuckDB or Trino, through
`flows.warehouse`), and `app` lays the panels out. `python -m dashboard` starts it offline.
"""

DEFAULT_PORT = 8501  # Streamlit's own default; `python -m dashboard --port N` changes it
