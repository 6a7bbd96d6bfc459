# Two commands matter: `make reports` and `make test`. Both set up .venv on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# JupyterLab reads <prefix>/share/jupyter/lab/settings/overrides.json: the .py notebooks open
# as notebooks on double-click (jupytext's default viewer), shipped with the project
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
CLEAN := data/clean/indicators.csv
RAW := $(wildcard data/raw/*.txt data/raw/*.csv)
# every registered district (python -m helpers.district add writes one file here)
DISTRICT_FILES := $(wildcard data/districts/*.toml)
SRC := $(shell find src/helpers -name '*.py')
JOBS ?= 2
DISTRICT ?=
# synthetic districts of make bench's scale run
N ?= 100

.PHONY: help setup data check reports report test bench lab clean

help:
	@echo "make reports            build data, run every district report (reports/index.html)"
	@echo "make report DISTRICT=x  one district's report"
	@echo "make test               run the test suite"
	@echo "make data               rebuild data/clean from data/raw (and the analysis of every district)"
	@echo "make check              list every problem of every district's data (python -m helpers.district check)"
	@echo "make bench [N=100]      time the batch: floor, serial and 2 workers, per report at N=4 and N=N"
	@echo "make lab                open JupyterLab on notebooks/"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	install -D -m 644 jupyterlab/overrides.json $(LAB_SETTINGS)
	touch $@

$(LAB_SETTINGS): jupyterlab/overrides.json | $(STAMP)
	install -D -m 644 $< $@

data: $(CLEAN)

# the build, then the analysis of every district once (data/clean/analysis/, read by the reports)
$(CLEAN): $(STAMP) $(RAW) $(DISTRICT_FILES) data/catalogue/indicators.csv data/catalogue/aliases.csv $(SRC)
	$(BIN)/python -m helpers.build
	$(BIN)/python -m helpers.analysis

check: $(STAMP)
	$(BIN)/python -m helpers.district check

reports: $(CLEAN)
	$(BIN)/python -m helpers.runner --jobs $(JOBS)

report: $(CLEAN)
	@test -n "$(DISTRICT)" || { echo "usage: make report DISTRICT=<slug>"; exit 2; }
	$(BIN)/python -m helpers.runner --jobs 1 $(DISTRICT)

test: $(CLEAN)
	$(BIN)/python -m pytest -q -n auto

bench: $(CLEAN)
	$(BIN)/python -m helpers.bench --jobs $(JOBS) --n $(N)

lab: $(CLEAN) $(LAB_SETTINGS)
	$(BIN)/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root)

clean:
	rm -rf data/clean/*.csv data/clean/*.json data/clean/analysis data/clean/fontcache reports/*.html reports/*.pdf reports/*.ipynb reports/*.json reports/.*.kernel.log .bench
