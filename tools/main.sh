#!/usr/bin/env bash
# Set up (idempotent) and run the main job on the embedded defaults; everything goes to runs/main/ (about 6 min on
# 2 cores): the demo spectrum, the world model's baseline report, and K-FAC vs SVD vs BalancedSubnet edits of it,
# gathered in runs/main/REPORT.md. The committed figures/ are the curated copies of these outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
OUT=runs/main
mkdir -p "$OUT"
echo "== 1/3 demo: byte-level GPT-2 on KJV Genesis, K-FAC factors, curvature spectrum"
.venv/bin/curvspec demo --out "$OUT"
for nb in world_baseline world_edit; do
  echo "== $([ $nb = world_baseline ] && echo 2/3 || echo 3/3) $nb (papermill)"
  .venv/bin/papermill -k python3 --cwd nbs/experiments --no-progress-bar --log-output \
    nbs/experiments/$nb.ipynb "$OUT/$nb.ipynb" -p out_dir ../../$OUT 2>&1 | grep -E "^\{'method'|wrote|Error" || true
done
{ echo "# curvspec main job report"; echo; echo "git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u)"; echo
  for f in spectrum_demo world_baseline world_edit; do sed 's/^# /## /' "$OUT/$f.md"; echo; done; } > "$OUT/REPORT.md"
echo "report: $OUT/REPORT.md (figures beside it)"
