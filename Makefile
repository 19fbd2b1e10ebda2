# Hessen citizen assistant. `make help` lists the targets.
# Two commands do everything on a fresh machine: `make run` and `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 runs on Python 3.7-3.10 only: find a 3.10 interpreter (pyenv or system).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RASA := $(BIN)/rasa
# Quieter TensorFlow start-up; no telemetry calls to the internet.
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)

NLP_DIR := build/spacy_de
MODEL := models/hessen.tar.gz
# The folders too: removing a training file changes only its folder's time.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' -not -path 'data/knowledge/*') \
	data/nlu data/rules data/stories $(NLP_DIR)/meta.json
# Only what the spaCy build reads: the rules and components in bot/nlp run at inference
# (they have no training step), so editing them needs a restart, not a retrain.
NLP_INPUTS := bot/nlp/build.py bot/nlp/__main__.py bot/knowledge/municipalities.py bot/knowledge/text.py \
	data/knowledge/gemeinden_hessen.csv data/knowledge/orte_ausserhalb_hessen.yml \
	data/knowledge/ortsteile_hessen.yml data/knowledge/keine_ortsnamen.yml

.PHONY: help install nlp train run shell test lint types validate pytest test-stories eval bench footprint bench-finder facts linkcheck lock \
	browser-deps synapse config retention clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# --- set-up ----------------------------------------------------------------------------------
$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs 3.10); install it, e.g. with pyenv."; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.0
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed ## create .venv (Python 3.10) and install the pinned dependencies

lock: ## re-resolve requirements.txt into requirements.lock
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip freeze --exclude-editable | grep -v '^pkg_resources' > requirements.lock

$(NLP_DIR)/meta.json: $(VENV)/.installed $(NLP_INPUTS)
	$(PY) -m bot.nlp $(NLP_DIR)

nlp: $(NLP_DIR)/meta.json ## build the German spaCy pipeline into build/spacy_de

# The model gets the time training *started*: a file edited during training stays newer,
# so the next `make train` picks it up (Rasa's own cache then retrains only what changed).
$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	@mkdir -p build && touch build/.train-started
	$(RASA) train --fixed-model-name hessen --out models --num-threads 2
	touch -r build/.train-started $@

train: $(MODEL) ## train the model (only when data, domain, config or pipeline changed)

config: $(VENV)/.installed ## write the effective endpoints and channels (from environment) into build/
	@mkdir -p build
	$(PY) -m bot.ops.endpoints > build/endpoints.yml
	$(PY) -m bot.channels.credentials > build/credentials.yml

# --- run -------------------------------------------------------------------------------------
run: train config ## start action server (:5055), Rasa (REST :5005), gateway (:8080), retention; ports: ACTIONS_PORT, RASA_PORT, GATEWAY_PORT; Ctrl-C stops all
	$(PY) -m bot.launcher

shell: train config ## chat in the terminal (rasa shell) with the action server running
	$(PY) -m bot.launcher --shell

# --- checks ----------------------------------------------------------------------------------
lint: $(VENV)/.installed ## ruff lint and format check
	$(BIN)/ruff check bot actions tests
	$(BIN)/ruff format --check bot actions tests

types: $(VENV)/.installed ## mypy on bot/ and actions/
	$(BIN)/mypy bot actions

validate: $(VENV)/.installed ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings

# Synapse (Matrix homeserver) for the Matrix channel tests, in its own venv: its
# dependencies clash with Rasa's pins.
SYNAPSE_VENV := build/synapse-venv
$(SYNAPSE_VENV)/.installed:
	$(PYTHON310) -m venv $(SYNAPSE_VENV)
	$(SYNAPSE_VENV)/bin/pip install --quiet matrix-synapse==1.163.2
	touch $@

synapse: $(SYNAPSE_VENV)/.installed ## Matrix homeserver (Synapse) for the channel tests

browser-deps: ## Chromium (Debian) and axe-core for the browser tests
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	npm ci --prefix tests/web --no-audit --no-fund --silent

pytest: $(VENV)/.installed $(NLP_DIR)/meta.json $(MODEL) browser-deps synapse ## unit, action, gateway, browser, channel and service tests
	$(BIN)/pytest -q --durations=15

test-stories: $(MODEL) config ## conversation tests (tests/test_stories.yml), failing on any wrong prediction
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --endpoints build/endpoints.yml \
		--fail-on-prediction-errors --out results/stories --no-plot

test: lint types validate pytest test-stories ## everything CI runs: lint, types, validate, pytest, conversation tests

eval: $(MODEL) ## held-out NLU, conversation tests, end-to-end conversations + municipality sweep, finder; results/
	$(PY) -m bot.tooling.evaluation independent results/heldout_independent.yml
	$(PY) -m bot.tooling.evaluation independent results/bestaetigung_independent.yml tests/nlu/bestaetigung.yml
	$(PY) -m bot.tooling.evaluation independent results/heldout_en_independent.yml tests/nlu/heldout_en.yml
	$(RASA) test nlu --model $(MODEL) --nlu results/heldout_independent.yml --out results/heldout
	$(RASA) test nlu --model $(MODEL) --nlu results/bestaetigung_independent.yml --out results/bestaetigung
	$(RASA) test nlu --model $(MODEL) --nlu results/heldout_en_independent.yml --out results/heldout_en
	-$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --out results/stories
	$(PY) -m bot.tooling.evaluation report results
	$(PY) -m bot.tooling.evaluation threshold
	$(PY) -m bot.tooling.e2e_eval
	$(PY) -m bot.tooling.finder_eval

bench: train config ## load benchmark: 1 vs 2 replicas on PostgreSQL + Redis (see README, "Figures")
	$(PY) -m bot.tooling.bench --compare-replicas $(BENCH_ARGS)

footprint: $(MODEL) ## start-up, Rasa memory and per-turn latency of one assistant (German + English turns)
	$(PY) -m bot.tooling.footprint

bench-finder: $(VENV)/.installed ## service finder latency: p50/p99 per lookup over the whole catalogue, one core
	$(PY) -m bot.tooling.finder_bench

retention: $(VENV)/.installed ## delete events older than 30 days now (make run also does it daily)
	$(PY) -m bot.ops.retention delete-older-than --days 30

facts: $(VENV)/.installed ## review list: facts and services whose `stand` is older than 12 months or missing
	$(PY) -m bot.tooling.facts_review

linkcheck: $(VENV)/.installed ## check every URL in data/knowledge and domain.yml (needs internet)
	$(PY) -m bot.tooling.linkcheck

clean: ## remove built pipeline, models and results (keeps .venv)
	rm -rf build models results
