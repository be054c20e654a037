# Two commands do all the set-up on a fresh machine with Python 3.11+ and pip:
#   make demo   -> the worked example (Hải Phòng pilot, Plan 61/KH-UBND) on the embedded defaults
#   make test   -> the test suite
# Each creates .venv from requirements.lock on first use (and again when the lock changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench bench-delivery bench-experts bench-spread bench-web server worker lock clean templates

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m demo

# The web tests drive Debian's Chromium (Playwright's own browser download does not work offline).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM) for the web tests"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo) sh -c 'export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q --no-install-recommends chromium \
		|| { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; }'

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.national

bench-delivery: $(STAMP)
	$(BIN)/python -m bench.delivery

bench-experts: $(STAMP)
	$(BIN)/python -m bench.experts

# The busy sweep on PostgreSQL with a Prefect server: in one process, then spread over 1 and 2 workers.
bench-spread: $(STAMP)
	$(BIN)/python -m bench.spread

bench-web: $(STAMP)
	$(BIN)/python -m bench.web

# A long-running Prefect server at ROLLOUT_PREFECT_API_URL (default http://127.0.0.1:4200/api),
# so commands skip the 10-16 s start of an embedded one; export the same URL where rollout runs.
server: $(STAMP)
	$(BIN)/rollout prefect-server

# A worker of the work pool that runs the scheduled sweeps (after `rollout deploy`).
worker: $(STAMP)
	$(BIN)/rollout worker

templates: $(STAMP)
	$(BIN)/python templates/documents/build.py

lock:
	$(BIN)/pip-compile -q --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf var .pytest_cache
