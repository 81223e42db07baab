#!/usr/bin/env bash
# Install cachelint with its test dependencies into .venv, checkov into its own .venv-checkov
# (it ships a conflicting `hcl2` module, so it never shares an environment with cachelint),
# lint the code and run the whole test suite. Works on a fresh machine with Python 3.11; safe to
# run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
PIP_FLAGS=(--quiet --disable-pip-version-check)
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install "${PIP_FLAGS[@]}" -e '.[test]'
if [ ! -x .venv-checkov/bin/checkov ]; then
  "$PYTHON" -m venv .venv-checkov
  .venv-checkov/bin/python -m pip install "${PIP_FLAGS[@]}" checkov==3.3.30
fi
# cachelint's rules exported to checkov import cachelint: without its dependencies, so that
# checkov keeps its own hcl2 module.
.venv-checkov/bin/python -m pip install "${PIP_FLAGS[@]}" --no-deps -e .
# Lint before the tests (settings in pyproject.toml): ruff, and vulture for dead code.
.venv/bin/ruff check
.venv/bin/vulture
# One test process per CPU (pytest-xdist): the suite is mostly subprocesses and a moto server
# per worker, independent by design (every test writes under its own tmp_path).
exec .venv/bin/python -m pytest -n auto "$@"
