# Two commands do everything on a fresh machine:  make run  |  make test
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
export UV_LINK_MODE ?= copy

.PHONY: help install run test lint format sample docs bench chaos chaos-test clean trino-start trino-stop prefect-server prefect-pool deploy worker

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet "uv==$(UV_VERSION)"

$(BIN)/movies: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	$(BIN)/python -m spark.jars
	@touch $@

install: $(BIN)/movies ## create .venv from uv.lock (bootstraps uv if missing), fetch Iceberg's Spark jars

run: install ## build the sample and run the whole pipeline offline; prints where results are
	$(BIN)/movies run

test: install ## run every test (Spark, dbt, GX and the Prefect flow run for real)
	$(BIN)/pytest

lint: install ## ruff, sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models

format: install ## apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

sample: install ## build only the real-data sample into data/sample
	$(BIN)/movies sample

dashboard: install ## serve the interactive dashboard on the built warehouse at http://127.0.0.1:8501 (foreground)
	$(BIN)/python -m dashboard

docs: install ## regenerate the dbt docs site (after a run)
	$(BIN)/movies dbt docs generate --static

bench: install ## Kaggle-scale benchmark (SCALE=1.0): full, incremental day, re-run, DuckDB floors -> data/bench/report.md
	$(BIN)/python -m bench.run --scale $(or $(SCALE),1.0)

chaos-test: install ## only the chaos tests of make test: every fault once, in real flow runs (~10 min)
	$(BIN)/pytest -m chaos tests/flows/test_chaos.py

chaos: install ## fault matrix on the real flow (SCALE=0.05, INJECTIONS=3): kills, full disk, catalog, APIs -> data/bench/chaos.md
	$(BIN)/python -m bench.chaos --scale $(or $(SCALE),0.05) --injections $(or $(INJECTIONS),3)

PREFECT_PORT ?= 4200
PREFECT_API ?= http://127.0.0.1:$(PREFECT_PORT)/api

prefect-server: install ## start a local Prefect server on 127.0.0.1:$(PREFECT_PORT) (foreground)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)

prefect-pool: install ## create the process work pool the deployment uses (idempotent)
	PREFECT_API_URL=$(PREFECT_API) $(BIN)/prefect work-pool create movies-process --type process --overwrite

deploy: install ## register the daily deployment from prefect.yaml with the local server
	PREFECT_API_URL=$(PREFECT_API) $(BIN)/prefect --no-prompt deploy --all

worker: install ## start a worker for the pool (foreground); runs flows from this checkout
	PREFECT_API_URL=$(PREFECT_API) MOVIES_PROJECT_DIR=$(CURDIR) PATH=$(CURDIR)/$(BIN):$$PATH \
		$(BIN)/prefect worker start --pool movies-process

trino-start: install ## start the pinned Trino 476 on 127.0.0.1:8080 (downloads once), silver read from MOVIES_LAKE's catalog
	$(BIN)/python -m infra.trino.server start

trino-stop: install ## stop the local Trino
	$(BIN)/python -m infra.trino.server stop

clean: ## remove generated data, dbt target and caches (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs great_expectations/gx/uncommitted/validations great_expectations/gx/uncommitted/data_docs .pytest_cache .ruff_cache
