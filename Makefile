# Two commands on a fresh machine: `make run` and `make test` (both start with `make install`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEVSTACK := $(PY) -m qalqan.devstack exec --
PYTEST_WORKERS ?= 2

.PHONY: install run test bench lock messages clean-data

install: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: install
	$(DEVSTACK) sh -c '$(PY) manage.py migrate --noinput && $(PY) manage.py load_demo && exec $(PY) manage.py runserver --noreload 127.0.0.1:8000'

test: install
	QALQAN_ENV=test $(DEVSTACK) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(DEVSTACK) $(PY) -m bench

# Rewrite the lock file from requirements.in (what CI and every install then get exactly).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -r requirements.in
	.lockvenv/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel > requirements.txt
	rm -rf .lockvenv

messages: install
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore '.venv/*' --ignore '.data/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean-data:
	rm -rf .data
