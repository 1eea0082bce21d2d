# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv with the pinned dependencies on first use (and when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/corridor network info
	$(BIN)/corridor quote Kunming "Hai Phong" --teu 2

# The suite runs on every core (pytest-xdist); `$(BIN)/python -m pytest -q` runs it in one process.
test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto

docs: $(STAMP)
	$(BIN)/typer corridor.cli utils docs --name corridor --title "Command line" --output docs/cli.md
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Headless Chromium for the real-browser map test (Debian package); never fails the build:
# where it cannot be installed (not root, no apt) the browser test is skipped with that reason.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	  { apt-get update >/dev/null 2>&1 && \
	    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
	  echo "note: could not install chromium; the browser test will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis site
