# crm_customer_management: the two commands a newcomer types are `make run` and `make test`.
# Odoo is found at $ODOO_SOURCE, else ~/.cache/crm-customer-management/odoo-18.0 (see README).
SHELL := /bin/bash
SIZE ?= 200
SEED ?= 42
# make bench SIZE=N sets the benchmark size too; alone, make bench uses 100,000 customers.
BENCH_SIZE := $(if $(filter command line environment,$(origin SIZE)),$(SIZE),100000)
ENV := . tools/env.sh

.PHONY: help setup run stop shell test test-pure test-compat lint bench demo-data pg-stop readme i18n screenshots

help:
	@echo "make run        setup, create the demo database once, serve Odoo on http://localhost:8069"
	@echo "make test       pure analytics tests + the Odoo suite without and with Odoo's demo data"
	@echo "make test-pure  the pure analytics tests only (seconds)"
	@echo "make test-compat Odoo's own tests of crm, sale, stock, account... without and with the addon"
	@echo "make stop       stop Odoo and the private PostgreSQL cluster"
	@echo "make shell      Odoo shell on the demo database"
	@echo "make bench      benchmark (SIZE=100000 customers by default; exits 1 when a target is"
	@echo "                missed, REPORT_ONLY=1 only reports)"
	@echo "make demo-data  run the data generator on the demo database (SIZE=200 customers)"
	@echo "make screenshots PNGs of the main screens in English and Persian (docs/screenshots)"
	@echo "make i18n       export the translation template (.pot) and update i18n/fa.po from it"
	@echo "make lint       ruff and pylint-odoo"
	@echo "make setup      find or download Odoo 18.0, build the virtualenv, start PostgreSQL"

setup:
	@bash tools/setup.sh

run: setup
	@bash tools/run.sh start

stop:
	@bash tools/run.sh stop

shell: setup
	@$(ENV); bin/odoo shell -d "$$CCM_DEMO_DB" --no-http

demo-data: setup
	@$(ENV); PYTHONPATH="$$ODOO_SOURCE" "$$CCM_VENV/bin/python" tools/generate_data.py \
		-c "$$CCM_CONF" -d "$$CCM_DEMO_DB" --customers $(SIZE) --seed $(SEED) --check

test: setup
	@bash tools/test.sh

test-compat: setup
	@bash tools/test_compat.sh

test-pure:
	@$(ENV); "$$CCM_VENV/bin/pytest" -q -p no:cacheprovider -p no:odoo tests

lint: setup
	@$(ENV); "$$CCM_VENV/bin/ruff" check . && "$$CCM_VENV/bin/ruff" format --check . && \
		PYTHONPATH="$$ODOO_SOURCE" "$$CCM_VENV/bin/pylint" --rcfile=.pylintrc crm_customer_management

bench: setup
	@$(ENV); PYTHONPATH="$$ODOO_SOURCE" "$$CCM_VENV/bin/python" tools/bench.py \
		-c "$$CCM_CONF" --customers $(BENCH_SIZE) --seed $(SEED) \
		$(if $(REPORT_ONLY),--report-only) $(BENCH_ARGS)

i18n: setup
	@bash tools/i18n.sh

screenshots: setup
	@bash tools/screenshots.sh

readme:
	@bash tools/readme.sh
