# Phalanx: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
VENDOR := src/phalanx/web/static/vendor
LOCALE := src/phalanx/web/i18n/locale
MO     := $(LOCALE)/ru/LC_MESSAGES/messages.mo
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PHALANX_DATABASE_URL ?= sqlite:///var/phalanx.db
# `make test` runs the suite in this many processes (pytest-xdist; 0: in this one)
TEST_WORKERS ?= 2

.PHONY: run test install assets lint clean i18n

install: $(STAMP) $(VENDOR)/.copied $(MO)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Front-end libraries come from the npm registry at set-up and are served locally.
$(VENDOR)/.copied: package.json
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/htmx-ext-sse/dist/sse.min.js $(VENDOR)/htmx-sse.min.js
	cp node_modules/world-atlas/countries-50m.json $(VENDOR)/countries-50m.json
	cp node_modules/milsymbol/dist/milsymbol.js $(VENDOR)/milsymbol.js
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp -r node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet/
	touch $@

assets: $(VENDOR)/.copied

# Translations (gettext through Babel): the compiled catalog is built at install; the app
# also compiles it when it is missing or older than the .po file.
$(MO): $(LOCALE)/ru/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -d $(LOCALE) -l ru

# After changing texts in the sources: extract them, merge them into messages.po
# (translate its new empty entries), compile.
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k L_:1c,2 --no-location --sort-output \
	  --project Phalanx -o $(LOCALE)/messages.pot src
	$(VENV)/bin/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l ru \
	  --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(LOCALE) -l ru

run: install
	mkdir -p var
	$(VENV)/bin/phalanx db upgrade
	$(VENV)/bin/phalanx load --builtin csto
	$(VENV)/bin/phalanx demo
	$(VENV)/bin/phalanx serve --host $(HOST) --port $(PORT)

test: install
	$(VENV)/bin/ruff check src tests $(wildcard bench)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=30 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
