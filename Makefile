# supportbot: `make run` starts the bot on embedded defaults, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Rasa 3.6 needs Python 3.10: take it from PATH, else from pyenv.
PYTHON310 ?= $(shell command -v python3.10 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -1)

.PHONY: install train run shell test lint validate clean

install: $(VENV)/.installed

# TensorFlow's CPU-only build, under the name Rasa requires (packaging/tensorflow-cpu).
$(VENV)/.installed: pyproject.toml constraints.txt packaging/tensorflow-cpu/pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (install it, or set PYTHON310=/path/to/python3.10)"; exit 1; }
	@# A venv with the full TensorFlow wheel is built anew: swapping it in place would
	@# delete the tensorflow/ files the two wheels share.
	if test -x $(BIN)/python && ! $(BIN)/pip show --quiet tensorflow-cpu 2>/dev/null; then rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]' ./packaging/tensorflow-cpu
	touch $@

DATA ?= data
MODELS ?= models
TRAIN := $(BIN)/rasa train --domain domain --data $(DATA) --config config.yml --out $(MODELS)
# It writes a new ~80 MB archive even when nothing changed: keep the three newest.
PRUNE_MODELS := ls -t $(MODELS)/*.tar.gz 2>/dev/null | tail -n +4 | xargs -r rm --

# `rasa train` skips the work when a model in models/ already matches config and data.
train: install
	$(TRAIN)
	@$(PRUNE_MODELS)

# The trainer's quick loop after adding examples to existing intents: Rasa's fine-tuning
# mode on the newest model, without Rasa's data validation (~10 s; `make validate` and
# `make train` run it). A new intent or a domain edit needs `make train`.
.PHONY: train-quick
train-quick: install
	$(TRAIN) --finetune --epoch-fraction 0.2 --skip-validation
	@$(PRUNE_MODELS)

# umask 077: var/ and what goes in it (databases, their WAL files, logs, secrets) are
# readable by this account only.
run: train
	umask 077 && mkdir -p var && chmod 700 var && $(BIN)/supportbot db upgrade
	@# The chat's demo sign-in (pick any account id) unless an identity key is set.
	SUPPORTBOT_DEV_LOGIN=$${SUPPORTBOT_DEV_LOGIN:-$$(test -n "$$SUPPORTBOT_IDENTITY_KEY" && echo 0 || echo 1)} \
	  $(BIN)/python -m bot.launcher

# Chat in the terminal: the action server in the background, `rasa shell` in front (both
# take the action server's secret from var/, as `make run` does).
shell: train
	umask 077 && mkdir -p var && chmod 700 var && $(BIN)/supportbot db upgrade
	umask 077; $(BIN)/python -m bot.action_server > var/actions.log 2>&1 & trap "kill $$!" EXIT; \
	  $(BIN)/python -m bot.run_rasa shell --endpoints endpoints.yml --model models

# rasa data validate plus duplicates, near-duplicates, thin or unbalanced intents and
# responses missing a language.
validate: install
	$(BIN)/supportbot validate

lint: install
	$(BIN)/ruff check bot actions tests

# axe-core, which the browser tests inject into the pages (tests/support/axe.py).
AXE := tests/support/node_modules/axe-core/axe.min.js
$(AXE): tests/support/package.json tests/support/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/support --no-audit --no-fund && touch $@; \
	else echo "npm not found (apt-get install npm): the accessibility checks will skip"; fi

# Two pytest-xdist workers, one per core; tests that share a server or a module's fixture
# stay on one worker (tests/support/workers.py). PYTEST_WORKERS=0: all in this process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

test: install $(AXE) test-model
	$(BIN)/ruff check bot actions tests
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# The model the `rasa` tests use (tests/conftest.py `trained_model`), trained before the
# workers start when it is older than its inputs: one worker training it while the other
# has only model tests left costs more than training it first.
.PHONY: test-model
test-model: install
	@$(BIN)/python -m bot.trainer.freshness $(MODELS) > /dev/null || $(MAKE) train

# No trained model, no servers started (markers come from fixtures: tests/conftest.py).
.PHONY: test-fast
test-fast: install
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not rasa and not e2e and not slow"

# Both tiers timed as above and in one process, in one run (~25 min); writes
# bench/results/test_tiers.{json,md}. BENCH_ARGS="--tiers fast --baseline REV" adds REV.
.PHONY: bench-tests
bench-tests: install $(AXE)
	$(BIN)/python -m bench.test_tiers $(BENCH_ARGS)

clean:
	rm -rf models var .pytest_cache

# The trainer's NLU evaluation: config.yml trained on data/nlu, measured on the dev and
# test splits of eval/, the out-of-scope sets and (--live) the abuse sets through a running
# bot; 5-fold cross-validation of data/nlu; thresholds of tests/nlu_thresholds.yml;
# writes reports/ (~8 min). While editing data: `supportbot eval --split dev` (~1 min).
.PHONY: eval bench-nlu bench-train
eval: install
	$(BIN)/supportbot eval --live --folds 5 --thresholds tests/nlu_thresholds.yml

# The same pipeline on BANKING77 and CLINC150, our model on BANKING77's urgent categories,
# and each NLU design choice taken out in turn (~15 min on 2 cores); writes bench/results/.
bench-nlu: install
	$(BIN)/python -m bot.trainer.bench
	$(BIN)/python -m bench.nlu_designs

# `make train` and `make train-quick` timed against the model before the linear
# classifiers, in one run (~10 min); writes bench/results/training.{json,md}.
bench-train: install
	$(BIN)/python -m bench.train_time

# The abuse detector (bot/abuse) on HateCheck and Davidson et al. (~20 s); writes
# bench/results/abuse.json and abuse.md.
.PHONY: bench-abuse
bench-abuse: install
	$(BIN)/python -m bench.abuse

# Filing an urgent ticket to the agent's browser notification and to the alert e-mail
# (a real console, aiosmtpd, headless chromium; ~2 min); writes bench/results/alerts.*.
.PHONY: bench-alerts
bench-alerts: install
	$(BIN)/python -m bench.alerts $(BENCH_ARGS)

# One sender floods the chat with large messages while others chat (~2 min); writes
# bench/results/flood.{json,md}: the others' p95 alone and during the flood.
# BENCH_ARGS="--edge nginx" measures the same through nginx (deploy/nginx) in the same
# run (~4 min; needs Debian's nginx, which .ci/run installs).
.PHONY: bench-flood
bench-flood: train
	$(BIN)/python -m bench.flood $(BENCH_ARGS)

# Issue 6's load benchmark: our stack, the stock `rasa init` bot and Rasa's floor under
# the same load, 1 and 20 users (~6 min); writes bench/results/load.{json,md}. More:
# BENCH_ARGS="--users 50 --profile --training" (--profile needs `pip install py-spy`).
# Then the predictions' cost as a session grows (~30 s): policy_growth.{json,md}.
.PHONY: bench
bench: train
	$(BIN)/python -m bench.load $(BENCH_ARGS)
	$(BIN)/python -m bench.policy_growth

# Refresh docs/screenshots/ from the browser tests (a plain `make test` leaves them alone).
.PHONY: screenshots
screenshots: install
	SUPPORTBOT_SCREENSHOTS=1 $(BIN)/python -m pytest tests/dialogue/test_chat_page.py tests/channels/test_chat_page_browser.py tests/console/test_console_browser.py

# The scale-out profile (docs/scale-out.md): two Rasa instances (5005, 5006) and two action
# servers (5055, 5056) behind nginx (the chat on 5000, the console on 8000), under
# supervisord (`.venv/bin/supervisorctl -c var/scaled/supervisord.conf status`), sharing
# PostgreSQL (tracker, outbox, desk), Redis (locks, socket.io rooms) and RabbitMQ (events).
# Needs those three services and Debian's nginx; `make run` needs none of them.
.PHONY: run-scaled
run-scaled: train
	SUPPORTBOT_DEV_LOGIN=$${SUPPORTBOT_DEV_LOGIN:-$$(test -n "$$SUPPORTBOT_IDENTITY_KEY" && echo 0 || echo 1)} \
	  $(BIN)/python -m bot.scaleout

# The scaled profile in containers (deploy/container, docs/deploying.md "In containers"):
# `make image` builds the app image and the infra image (nginx, PostgreSQL, Redis,
# RabbitMQ from Debian) with podman; `make test-image` builds them, brings
# deploy/container/compose.yml up, files a hacked-account report through nginx, finds
# the ticket in the compose PostgreSQL and tears it all down (~2 min with warm caches).
.PHONY: image test-image
image:
	deploy/container/build.sh

# Any model will do (the NLU is not what it tests): `make train` only when there is none.
test-image: install
	$(BIN)/ruff check deploy/container
	@ls $(MODELS)/*.tar.gz > /dev/null 2>&1 || $(MAKE) train
	$(BIN)/python deploy/container/smoke_test.py

# The scale-out profile under the load of `make bench`: nginx in front of two Rasa
# instances vs in front of one (~5 min); writes bench/results/scaled.{json,md}.
.PHONY: bench-scaled
bench-scaled: train
	$(BIN)/python -m bench.scaled $(BENCH_ARGS)
