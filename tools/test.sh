#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: notebooks in sync with curvspec/, clean, and every notebook's tests.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh || exit 1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONWARNINGS=ignore
fail=0
.venv/bin/nbdev_export && git diff --quiet -- curvspec \
  || { echo "FAIL: nbdev_export changed curvspec/: notebooks and package are out of sync"; git status --short curvspec; fail=1; }
.venv/bin/nbdev_clean && git diff --quiet -- nbs \
  || { echo "FAIL: nbdev_clean changed notebooks: run nbdev_clean and commit"; git status --short nbs; fail=1; }
.venv/bin/python tests/run_notebooks.py "$@" || fail=1
exit $fail
