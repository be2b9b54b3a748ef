#!/usr/bin/env bash
# Set up .venv with the pinned stack on a fresh machine (CPU torch 2.13.0; never a CUDA torch), curvspec editable.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pip() { .venv/bin/python -m pip -q --disable-pip-version-check "$@" 2>&1 | grep -v "^WARNING: Location" || true; }
pip install "torch==2.13.0"                        # first and alone: the CPU wheel, which later installs keep
pip install -e ".[dev,vit,bench]" "torch==2.13.0"
.venv/bin/python -c "import torch, transformers, curvspec" \
  || { echo "setup failed: torch/transformers/curvspec do not import" >&2; exit 1; }
# PyPI's torchvision is CUDA-built; next to the CPU torch it needs the import hook (see tools/torchvision_cpu_fix.py)
SP=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
cp tools/torchvision_cpu_fix.py "$SP/_curvspec_tvfix.py"
echo "import _curvspec_tvfix" > "$SP/_curvspec_tvfix.pth"
.venv/bin/python -c "import timm" || { echo "setup failed: timm does not import" >&2; exit 1; }
echo "environment ready: $(.venv/bin/python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
