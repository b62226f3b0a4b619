# The one build path for the book. nox, CI and Read the Docs call these targets;
# `make help` lists them.

SOURCEDIR  := docs
BUILDDIR   ?= _build
# The project's environment, installed from uv.lock. Read the Docs points VENV
# at its own environment and asks only for the docs group.
VENV       ?= .venv
UV_GROUPS  ?= --all-groups
PYTHON     := $(VENV)/bin/python
# Strictness, set once for every builder (and exported: the tests build their
# fixture books with exactly these flags):
#   -n            nitpicky: warn about every reference that does not resolve
#   -W            turn every warning into an error
#   --keep-going  report all of them before stopping
export SPHINXOPTS ?= -n -W --keep-going
SPHINXBUILD = "$(PYTHON)" -m sphinx -c . $(SPHINXOPTS)

# uv installs the locked environment. A fresh machine has only Python 3.11, so
# without a uv on PATH a pinned uv is bootstrapped into .tools/ with pip.
UV_VERSION := 0.13.9
UV ?= $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
# Compile modules to bytecode at install: where PYTHONDONTWRITEBYTECODE is set
# (some CI and sandboxes) every build would otherwise recompile Sphinx,
# docutils and MyST from source (~1 s of every build).
export UV_COMPILE_BYTECODE := 1
# No build date anywhere: every date the editions carry is the edition's, from
# the project itself (tools/edition-date: its own git history, or the date git
# wrote into a `git archive` of it), never the clock.
export SOURCE_DATE_EPOCH ?= $(shell tools/edition-date)

# The system packages the three builds and the tests need (Debian/Ubuntu),
# each named: .readthedocs.yaml lists those of the PDF beyond Read the Docs'
# image. --no-install-recommends installs exactly these.
#   TeX Live with XeLaTeX, latexmk and xindy: the PDF
#   fonts-texgyre: TeX Gyre Pagella and Heros, OpenType (the PDF, the ePub's cover)
#   fonts-dejavu-core: DejaVu Sans Mono (the PDF's code), DejaVu Serif (social cards)
#   fontconfig: finds the faces by name (XeLaTeX, the cover, the cards)
#   poppler-utils: pdftotext, pdffonts, pdftoppm (the PDF's tests)
#   chromium: the web edition's and the ePub's tests (playwright, axe, Ace)
#   default-jre-headless: EPUBCheck and the Nu HTML Checker
#   calibre: a reading system, for the ePub's tests (ebook-convert)
SYSTEM_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra \
  texlive-fonts-recommended texlive-xetex xindy fonts-texgyre fonts-dejavu-core \
  fontconfig poppler-utils chromium default-jre-headless calibre

.DEFAULT_GOAL := help
.PHONY: help html epub pdf all livehtml test lint new-essay bench lighthouse clean system-deps lock venv

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

html: venv ## Build the web edition into _build/html/
	$(SPHINXBUILD) -b html -d "$(BUILDDIR)/doctrees/html" $(SOURCEDIR) "$(BUILDDIR)/html"

# The ePub's folder is written anew every time (its documents are still read
# incrementally, from doctrees/epub): Sphinx packs every file it finds there,
# so a file left by an earlier build would ship in this one.
epub: venv ## Build the ePub: exactly one _build/epub/*.epub
	rm -rf "$(BUILDDIR)/epub"
	$(SPHINXBUILD) -b epub -d "$(BUILDDIR)/doctrees/epub" $(SOURCEDIR) "$(BUILDDIR)/epub"

# LaTeX's own files from a run that failed or was interrupted (an .aux cut
# short, latexmk's memory of the error) would fail the next run: they are kept
# for the next, cheaper run only after a run that succeeded.
LATEX_STATE := *.aux *.toc *.out *.idx *.ind *.ilg *.fdb_latexmk *.fls *.xdv *.log
pdf: venv ## Build the PDF with XeLaTeX: exactly one _build/latex/*.pdf
	@for prog in xelatex latexmk xindy; do command -v $$prog >/dev/null || { \
	  echo "make pdf: '$$prog' is missing. Install TeX Live with: sudo make system-deps" >&2; exit 1; }; done
	rm -f "$(BUILDDIR)"/latex/*.pdf
	$(SPHINXBUILD) -b latex -d "$(BUILDDIR)/doctrees/latex" $(SOURCEDIR) "$(BUILDDIR)/latex"
	cd "$(BUILDDIR)/latex" && { [ -e .last-run-succeeded ] || rm -f $(LATEX_STATE); rm -f .last-run-succeeded; }
	$(MAKE) -C "$(BUILDDIR)/latex" all-pdf LATEXMKOPTS="-interaction=nonstopmode -halt-on-error" \
	  XINDYOPTS="-L english -C utf8 -M sphinx.xdy -M book-index.xdy"
	touch "$(BUILDDIR)/latex/.last-run-succeeded"

# The ePub and PDF first, also under `make -j`: the web edition links the
# files it finds beside it.
ifneq ($(filter all,$(MAKECMDGOALS)),)
html: | epub pdf
endif
all: epub pdf html ## Build all three editions

livehtml: venv ## Rebuild and reload the web edition in a browser as you edit
	"$(VENV)/bin/sphinx-autobuild" -c . $(SPHINXOPTS) -d "$(BUILDDIR)/doctrees/html" \
	  --watch conf.py --watch extensions --watch sources $(SOURCEDIR) "$(BUILDDIR)/html"

test: venv node_modules/.installed ## Build every edition and check what readers get (pytest)
	"$(PYTHON)" -m pytest $(PYTEST_ARGS)

lint: venv ## Check the project's own code (never the authors' texts)
	"$(VENV)/bin/ruff" check .
	"$(VENV)/bin/ruff" format --check .
	cd sources && sha256sum --check --quiet SHA256SUMS

new-essay: venv ## Add a received text as a chapter: TEXT=… TITLE=… AUTHOR=… DATE=… SITE=… [URL=…] (EDITING.md)
	"$(PYTHON)" tools/new_essay.py "$$TEXT" --title "$$TITLE" --author "$$AUTHOR" \
	  --date "$$DATE" --site "$$SITE" $${URL:+--url "$$URL"} \
	  $${SUMMARY:+--summary "$$SUMMARY"} \
	  $${SLUG:+--slug "$$SLUG"} $${FILE:+--file "$$FILE"}

bench: venv ## Measure build times, sizes and growth (prints tables; saves _build/bench.json)
	"$(PYTHON)" benchmarks/build_bench.py --out "$(BUILDDIR)/bench.json" $(BENCH_ARGS)

lighthouse: html ## Lighthouse scores and bytes per page of the web edition (benchmark)
	"$(PYTHON)" benchmarks/lighthouse.py "$(BUILDDIR)/html"

clean: ## Remove every build output (keeps the environment and the compiled templates)
	rm -rf "$(BUILDDIR)"

system-deps: ## Install what the PDF and the tests need from Debian/Ubuntu (as root)
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)

lock: $(UV) ## Update uv.lock after changing pyproject.toml
	$(UV) lock

venv: $(VENV)/.installed $(VENV)/.extension-compiled

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked $(UV_GROUPS)
	@touch "$@"

# The book's own extension compiled too, again when one of its files changes:
# Python writes its __pycache__ itself, unless PYTHONDONTWRITEBYTECODE is set,
# and then every build compiled it from source (~50 ms a build, a tenth of a
# touched one). A module edited since is compiled in memory, as before.
$(VENV)/.extension-compiled: $(shell find extensions -name '*.py') | $(VENV)/.installed
	"$(PYTHON)" -m compileall -q extensions
	@touch "$@"

# The checkers the tests run in a browser and on the ePub (vnu, axe-core, Ace,
# Lighthouse), from package-lock.json. None may download a browser: they drive
# Debian's chromium.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch "$@"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"
