#!/usr/bin/env bash
# One GPU session (H100/H200, about 6 minutes): the K-FAC overhead benchmark on CUDA (with a profile of one curvspec
# call), then three more seeds of the default world model, trained side by side on the one GPU with the recipe of
# data/models/world-gpt2 (4000-step schedule stopped after 3501 steps, as the time cap stopped seed 0).
# Everything it makes lands under $OUT.
#
# It expects, next to the checkout (this workplace's device tool carries them; elsewhere build them first):
#   .whl/*.whl   curvlinops-for-pytorch 3.0.1 and its pure-Python needs, for benchmark (c)
set -u
O=${OUT:-/tmp/gpu_out}; mkdir -p "$O"; L=/tmp/gpu_logs; mkdir -p $L
export PYTHONPATH=$PWD:/tmp/site PYTHONUNBUFFERED=1 TQDM_MININTERVAL=20
[ -d .whl ] && python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
nvidia-smi -L
python3 -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__, torch.cuda.get_device_name())"
t0=$(date +%s); stamp() { echo "[gpu_session] $(( $(date +%s) - t0 )) s: $*"; }

stamp "kfac_overhead"
timeout 240 python3 benchmarks/kfac_overhead.py --preset gpt2-small --device cuda --profile > $L/kfac_overhead.log 2>&1
grep -B2 -A30 "^| Step" $L/kfac_overhead.log | head -60; grep -A12 "^| Piece" $L/kfac_overhead.log; grep "TF32 factor\|Sampling noise\|Agreement within" $L/kfac_overhead.log
tail -3 $L/kfac_overhead.log
tar czf "$O/bench.tar.gz" benchmarks/results/*cuda* -C /tmp gpu_logs

stamp "world seeds (3 jobs side by side)"
export OMP_NUM_THREADS=4
W="python3 -m curvspec.train --world data/world --arch gpt2 --batch 64 --lr 2e-3 --device cuda --no-progress --layers 6 --d-model 192 --heads 6 --steps 4000 --max-steps 3501"
for s in 1 2 3; do timeout 330 $W --seed $s --out /tmp/m/world-gpt2-seed$s > $L/seed$s.log 2>&1 & done
wait
stamp "training done"
for d in /tmp/m/*; do
  n=$(basename $d)
  python3 -c "import json; r=json.load(open('$d/recipe.json')); print('$n', {k: r.get(k) for k in ('steps_done','seconds','device')}, r['history'][-1])" || { echo "$n: no recipe"; tail -5 $L/${n#world-gpt2-}.log; }
  tar cf "$O/$n.tar" --exclude=last.safetensors -C /tmp/m "$n"
done
tar czf "$O/logs.tar.gz" -C /tmp gpu_logs
ls -la "$O"; stamp "end"
