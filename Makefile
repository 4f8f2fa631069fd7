# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
AS_USER := scripts/as-user.sh
PYTEST_ARGS ?=
# Line and branch coverage of the Python services; the suite fails below 80 %.
COVERAGE := --cov=edge --cov=worker --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=80

.PHONY: run test bench lint setup-run setup-test

run: setup-run
	$(AS_USER) $(VENV)/bin/booker up

test: setup-test
	$(AS_USER) env COVERAGE_FILE=var/.coverage $(VENV)/bin/python -m pytest $(COVERAGE) $(PYTEST_ARGS)

bench: setup-test
	$(AS_USER) $(VENV)/bin/python -m bench

lint: setup-test
	$(VENV)/bin/ruff check booker edge worker tests bench
	$(VENV)/bin/mypy booker edge worker

setup-run:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test
