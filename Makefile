# The two commands of the README: `make run` and `make test`. Both set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test bench messages migrate demo check-deploy clean

$(BIN)/.installed: requirements-dev.lock
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Gongzhi needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

messages: $(BIN)/.installed
	$(MANAGE) messages compile

migrate: messages
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# Web server, Celery worker and beat in one command; Ctrl-C (or any of them exiting) stops all three.
run: demo
	@echo "Gongzhi on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, the worker and the scheduler)"
	@trap 'trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2 & \
	$(BIN)/celery -A config beat --loglevel=INFO & \
	$(MANAGE) runserver 127.0.0.1:$(PORT) & \
	wait -n; exit $$?

test: messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: messages
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
