# Two commands do everything on a fresh machine:  make run  |  make test
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
export UV_LINK_MODE ?= copy

.PHONY: help install run test lint format sample docs bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet "uv==$(UV_VERSION)"

$(BIN)/movies: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: $(BIN)/movies ## create .venv from uv.lock (bootstraps uv if missing)

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

docs: install ## regenerate the dbt docs site (after a run)
	$(BIN)/movies dbt docs generate --static

bench: install ## Kaggle-scale benchmark (SCALE=1.0): full + incremental day beside DuckDB floors -> data/bench/report.md
	$(BIN)/python -m bench.run --scale $(or $(SCALE),1.0)

clean: ## remove generated data, dbt target and caches (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs great_expectations/gx/uncommitted/validations great_expectations/gx/uncommitted/data_docs .pytest_cache .ruff_cache
