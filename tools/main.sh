#!/usr/bin/env bash
# Set up (idempotent) and run the main job on the embedded default; writes figures/ and prints the tables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
.venv/bin/curvspec demo "$@"
