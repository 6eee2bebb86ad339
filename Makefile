# The two commands of the README: `make plan` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python

.PHONY: plan test validate bench clean

$(PY): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(PY)

validate: $(PY)
	$(PY) -m errorops validate

plan: validate
	$(PY) -m errorops plan --stack all

test: $(PY)
	$(PY) -m pytest

bench: $(PY)
	$(PY) benchmarks/plan_bench.py --scale 1000,5000 --repeat 3

clean:
	rm -rf $(VENV) .pytest_cache
