# Two entry points for a newcomer: `make demo` and `make test`. Each does its own
# set-up from nothing and is safe to run again.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-sil-andika fonts-sil-charis gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# First Python >= 3.12 on PATH, else one that pyenv installed.
PYTHON_312 = $(shell for c in python3.14 python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

.PHONY: help demo test setup system venv node lint lock messages

help:
	@echo "make demo   set up and serve the platform with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite"

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): requirements.lock pyproject.toml
	@py="$(PYTHON_312)"; if [ -z "$$py" ]; then echo "Python 3.12 or newer is needed (none found)"; exit 1; fi; \
	echo "Using $$py"; [ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

node: node_modules/.package-lock.json

setup: system venv node
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
	$(PY) manage.py collectstatic --noinput -v 0

demo: setup
	$(PY) manage.py migrate -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py serve_demo --port $(PORT)

test: setup
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy lms courses content_authoring live_classes certificates dictionary ecommerce_training

# Re-resolve requirements.lock from pyproject.toml (needs network to PyPI).
lock: venv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 -q -o requirements.lock

# Refresh every app's Vietnamese catalog from the code. No fuzzy matching: a
# guessed translation from a similar message is worse than none.
messages: venv
	for app in lms courses content_authoring live_classes certificates dictionary ecommerce_training; do \
		(cd $$app && ../$(PY) ../manage.py makemessages -l vi -v 0); done
