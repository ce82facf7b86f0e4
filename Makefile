# coder-assist developer entry points. `make run` and `make test` are the quick start.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint bench eval train browser-deps clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m coder_assist codes build-cache
	touch $(STAMP)

setup: $(STAMP)

run: setup
	mkdir -p var
	$(PY) -m uvicorn coder_assist.api.app:create_app --factory --host $(HOST) --port $(PORT)

browser-deps:
	sh scripts/ensure-chromium.sh

test: setup browser-deps
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check coder_assist tests api
	$(PY) -m mypy coder_assist

bench: setup
	$(PY) -m coder_assist bench

eval: setup
	$(PY) -m coder_assist evaluate --data ../shared/data/codiesp/dev --data data/us_corpus/dev --by-setting

train: setup
	$(PY) -m coder_assist train --plus ../shared/data/codiesp/train --plus data/training/us_notes.jsonl --plus data/us_corpus/train --dev ../shared/data/codiesp/dev --holdout 0 --out models/coder-assist --promote

clean:
	rm -rf $(VENV) var build *.egg-info
