# Everything starts from python3 and make: the targets create .venv and
# install explainer into it (editable) with its test tools, then compile
# its hot modules with mypyc where this machine can (hatch_build.py;
# plain Python otherwise, with the same output).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint unit golden site fuzz sweep bench native clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

## native: compile the hot modules again if one of their sources changed,
## and the others to bytecode (an editable install has none, and where
## PYTHONDONTWRITEBYTECODE is set every run would parse them again)
native: $(STAMP)
	@$(BIN)/python hatch_build.py --if-stale
	@$(BIN)/python -m compileall -q explainer

## demo: explain the bundled sample header's TRACE_EVENT, pass by pass,
## in the terminal and as a page to open in a browser
demo: native
	$(BIN)/explain TRACE_EVENT headers/include/trace/events/sample.h
	@mkdir -p build/demo
	@$(BIN)/explain TRACE_EVENT headers/include/trace/events/sample.h --format html -o build/demo/sample.html
	@echo "The same walkthrough as a page: $(CURDIR)/build/demo/sample.html"
	@echo "New to this? $(BIN)/explain --intro says why a header is read again and again, and where to start."

## site: rebuild the committed static site of the bundled headers
site: native
	$(BIN)/explain --lang en site -o site

## test: lint, type-check and run the whole test suite
test: lint unit

lint: $(STAMP)
	$(BIN)/ruff check explainer tests bench hatch_build.py
	$(BIN)/mypy

unit: native
	$(BIN)/pytest

## golden: rewrite the golden files after an intended output change
golden: native
	$(BIN)/pytest tests/test_golden.py tests/test_html.py --update-goldens

## fuzz: 5,000 generated programs, explainer against gcc
fuzz: native
	FUZZ_EXAMPLES=5000 $(BIN)/pytest tests/test_fuzz.py -q

## sweep: every header of Debian's 6.1 headers, full mode, against gcc
sweep: native
	$(BIN)/python bench/sweep.py

## bench: explainer against gcc -E on sched.h of 6.1 and 7.x, medians and
## ratios (BENCH_ARGS=--site adds a site of every header of each: long;
## BENCH_ARGS="--kernel 6.12" times that kernel alone)
bench: native
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
