# Entry points. `make report` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := service-workbooks
LAB_PORT ?= 8888

.PHONY: help setup report test lab sample docs bench clean

help:
	@echo "make report   set up, then write every workbook's report for every sample team to reports/sample/"
	@echo "make test     set up, then run every test (unit, notebooks, browser)"
	@echo "make lab      open JupyterLab on notebooks/ and print the address to open (LAB_PORT=8890 for another port)"
	@echo "make sample   rewrite the sample data in data/sample/"
	@echo "make docs     rewrite docs/data-contracts.md from the contracts in the code"
	@echo "make bench    run the benchmarks (speed, memory, report size)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Service Workbooks (Python 3)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

report: setup
	$(BIN)/workbook batch data/sample/batch.yaml

test: setup
	$(BIN)/python -m pytest

# The token is made here, so the address can be printed before the server's own log; it goes to
# the server in JUPYTER_TOKEN, not on its command line, where other users of the machine could read it.
# As root (a container, a CI machine) JupyterLab refuses to start without --allow-root.
lab: setup
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(24))'); \
	echo ""; \
	echo "JupyterLab is starting on notebooks/. Open this address in your browser:"; \
	echo ""; \
	echo "    http://localhost:$(LAB_PORT)/lab?token=$$token"; \
	echo ""; \
	echo "The workbooks open for the team (audience = "team": full detail under pseudonyms). Press Ctrl-C twice here to stop."; \
	echo ""; \
	JUPYTER_TOKEN=$$token exec $(BIN)/jupyter lab notebooks/ --port=$(LAB_PORT) --port-retries=0 \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

sample: setup
	$(BIN)/workbook sample --out data/sample

docs: setup
	$(BIN)/python -m workbook_helpers.data.docs > docs/data-contracts.md

bench: setup
	$(BIN)/python benchmarks/bench_demand_study.py
	$(BIN)/python benchmarks/bench_case_measures.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_lab_charts.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb reports/*.json reports/.*.partial-* reports/sample benchmarks/out
