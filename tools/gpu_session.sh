#!/usr/bin/env bash
# One GPU session (H100/H200, about 7 minutes): the K-FAC overhead and edit-cost benchmarks on CUDA, then the world-model
# candidates and the noisy-label ViTs, trained side by side on the one GPU. Everything it makes lands under $OUT.
#
# It expects, next to the checkout (this workplace's device tool carries them; elsewhere build them first):
#   runs/world-v2                       python -m curvspec.world --out runs/world-v2 --set n_arith=60000 n_bool=20000 n_order=10000
#   .venv/share/curvspec/fashion-mnist  bash tools/setup_env.sh (the Debian package's four IDX files)
#   .whl/*.whl                          curvlinops-for-pytorch 3.0.1 and its pure-Python needs, for benchmark (c)
set -u
O=${OUT:-/tmp/gpu_out}; mkdir -p "$O"; L=/tmp/gpu_logs; mkdir -p $L
export PYTHONPATH=$PWD:/tmp/site PYTHONUNBUFFERED=1 TQDM_MININTERVAL=20
[ -d .whl ] && python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
nvidia-smi -L
python3 -c "import torch, transformers, timm; print('torch', torch.__version__, 'transformers', transformers.__version__, 'timm', timm.__version__, torch.cuda.get_device_name())"
t0=$(date +%s); stamp() { echo "[gpu_session] $(( $(date +%s) - t0 )) s: $*"; }

stamp "kfac_overhead"
timeout 200 python3 benchmarks/kfac_overhead.py --preset gpt2-small --device cuda 2>&1 > $L/kfac_overhead.log | tail -5
grep -A40 "^| Step" $L/kfac_overhead.log | head -45
stamp "edit_cost"
timeout 120 python3 benchmarks/edit_cost.py --case all --device cuda > $L/edit_cost.log 2>&1; tail -6 $L/edit_cost.log
tar czf "$O/bench.tar.gz" benchmarks/results/*cuda* -C /tmp gpu_logs

stamp "training (5 jobs side by side)"
export OMP_NUM_THREADS=3
W="python3 -m curvspec.train --world runs/world-v2 --arch gpt2 --batch 64 --lr 2e-3 --seed 0 --device cuda --no-progress --max-minutes 3.5"
V="python3 -m curvspec.vision --preset gpu --device cuda --root .venv/share/curvspec/fashion-mnist --no-progress --max-minutes 3.5"
job() { local n=$1; shift; "$@" --out /tmp/m/$n > $L/$n.log 2>&1 & }
job world-6x192-4k $W --layers 6 --d-model 192 --heads 6 --steps 4000
job world-6x192-8k $W --layers 6 --d-model 192 --heads 6 --steps 8000
job world-8x160-6k $W --layers 8 --d-model 160 --heads 5 --steps 6000
job vit-fmnist $V --weight-decay 0.05
job vit-fmnist-wd0.3 $V --weight-decay 0.3
wait
stamp "training done"
for d in /tmp/m/*; do
  n=$(basename $d)
  python3 -c "import json,sys; r=json.load(open('$d/recipe.json')); print('$n', {k: r.get(k) for k in ('steps_done','epochs_done','seconds','final')}, r['history'][-1])" || echo "$n: no recipe"
  tar cf "$O/$n.tar" --exclude=last.safetensors -C /tmp/m "$n"
done
tail -n 4 $L/*.log
tar czf "$O/logs.tar.gz" -C /tmp gpu_logs
ls -la "$O"; stamp "end"
