# Passerelle: `make site` builds the site, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEARCH_STAMP := scripts/search/node_modules/.installed

.PHONY: install system-deps site test check report bench lock serve clean compare-site

## Python dependencies from the hash-locked file, then Passerelle itself (editable); Node and the
## search's npm packages (lunr, lunr-languages: locked in scripts/search/package-lock.json).
install: $(STAMP) $(SEARCH_STAMP)
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(SEARCH_STAMP): scripts/search/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm; fi; }
	npm ci --prefix scripts/search --silent --no-audit --no-fund
	touch $@

## Debian's Chromium drives the browser tests (Playwright never downloads a browser here);
## axe-core and Lighthouse (npm, locked in tests/package-lock.json) check the pages inside it.
system-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }
	@test tests/node_modules/.installed -nt tests/package-lock.json || { npm ci --prefix tests --silent --no-audit --no-fund && touch tests/node_modules/.installed; }

site: install
	$(BIN)/passerelle build
	@echo "Open site/index.html in a browser (search works from the folder too), or run: $(BIN)/passerelle serve"

check: install
	$(BIN)/passerelle check

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/passerelle bench

## The built site, byte for byte, against a git ref (default HEAD): a refactor must show no difference.
compare-site: install
	benchmarks/compare_site.sh $(or $(REF),HEAD)

serve: site
	$(BIN)/passerelle serve

## Re-resolve the pinned, hashed dependency set after editing pyproject.toml.
lock:
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf site docs_build .cache .pytest_cache
