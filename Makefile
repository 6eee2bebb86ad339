# The two commands of the README: `make plan` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python

.PHONY: plan test lint validate check alert-test bench clean

$(PY): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(PY)

validate: $(PY)
	$(PY) -m errorops validate

plan: validate
	$(PY) -m errorops plan --stack all

# The policy pack (policies/) over every stack, offline: exit 1 on a mandatory violation.
check: validate
	$(PY) -m errorops check --stack all

# Static checks: ruff (pyproject.toml [tool.ruff]) and mypy --strict over the package ([tool.mypy]).
lint: $(PY)
	$(PY) -m ruff check errorops tests policies benchmarks
	$(PY) -m mypy errorops

# The alert tests of alert_tests/ over every stack's plan (promtool: Debian's prometheus package);
# --coverage fails on any rule or policy without a firing and a silent test. `make test` runs
# the same command through tests/test_alert_tests.py.
alert-test: $(PY)
	$(PY) -m errorops test --coverage

# The tests start errorops in a subprocess a hundred times: its bytecode is written once here
# (where PYTHONDONTWRITEBYTECODE is set, each start would compile every module again).
test: lint
	$(PY) -m compileall -q errorops policies
	$(PY) -m pytest

# Our package compiled to bytecode first, as pip compiles the SDKs it installs (the
# comparison is unfair otherwise where PYTHONDONTWRITEBYTECODE is set).
bench: $(PY)
	$(PY) -m compileall -q errorops
	$(PY) benchmarks/plan_bench.py --scale 1000,5000 --repeat 5

clean:
	rm -rf $(VENV) .pytest_cache

# CI and contributors: install only; the policy pack's own virtualenv (policies/venv,
# as policies/PulumiPolicy.yaml names it) for `pulumi preview|up --policy-pack policies`;
# and the review of a change: `make diff BASE=origin/main` (errorops diff, text).
.PHONY: install policy-venv diff
BASE ?= origin/main

install: $(PY)

policy-venv: policies/venv/bin/python

policies/venv/bin/python: policies/requirements.txt
	test -x $@ || $(PYTHON) -m venv policies/venv
	$@ -m pip install --quiet -r policies/requirements.txt
	touch $@

diff: $(PY)
	$(PY) -m errorops diff --base $(BASE)
