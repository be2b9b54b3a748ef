"""Cost of the K-FAC edit: decomposition + edit time and peak memory, and BalancedSubnet on the same model and data.

    python benchmarks/edit_cost.py --case gated     # (a) one 2048x640 gated-MLP layer set (Gemma-3-270M shapes), + BalancedSubnet
    python benchmarks/edit_cost.py --case big       # (b) one 11008x4096 layer (OLMo-2-7B gate/up shape)
    python benchmarks/edit_cost.py --case all --device cuda

Each case runs in its own subprocess so that its peak resident memory (CPU) is its own; on GPU the peak is
torch.cuda.max_memory_allocated. On CUDA, an untimed warm-up runs first. Results: benchmarks/results/edit_cost_<device>.{md,json}.

(a) builds a 2-block Llama-style model with Gemma-3-270M's MLP shapes (hidden 640, intermediate 2048, vocab 4096),
random init, and random token data. K-FAC cost = factor collection on 32 x 128 tokens x 16 batches (all MLP
layers) + eigendecomposition + edit of block 1's gate/up/down. BalancedSubnet = 1 epoch over forget (16 sequences)
+ retain (256 sequences) on all MLP layers, batch 32; the paper-scale setting uses 5-10 epochs, so we also report
the extrapolated 10-epoch time. (b) uses synthetic PSD factors (eigendecomposition and edit cost do not depend on
the data) for one 11008x4096 matrix: float64 eigh of G (11008^2) and A (4096^2), then the rho = 0.6 edit.
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent


def peak_mb(device):
    if device == 'cuda':
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sync(device):
    if device == 'cuda':
        torch.cuda.synchronize()


def case_gated(device):
    from transformers import LlamaConfig, LlamaForCausalLM
    from curvspec import collect_factors
    from curvspec.edit import edit_model
    from curvspec.subnet import balanced_subnet
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(num_hidden_layers=2, hidden_size=640, intermediate_size=2048,
                                         num_attention_heads=4, num_key_value_heads=1, vocab_size=4096,
                                         max_position_embeddings=256)).to(device).eval()
    g = torch.Generator().manual_seed(1)
    batches = [torch.randint(0, 4096, (32, 128), generator=g).to(device) for _ in range(16)]
    forget = torch.randint(0, 4096, (16, 128), generator=g)
    retain = torch.randint(0, 4096, (256, 128), generator=g)
    if device == 'cuda':   # warm-up, untimed: CUDA context, cuBLAS handles, kernel loading
        collect_factors(model, batches[:1], progress=False)
        balanced_subnet(model, forget[:2], retain[:2], ratio=0.05, w=0.7, epochs=1, batch_size=2, progress=False).restore()
    sync(device); t0 = time.perf_counter()
    F = collect_factors(model, batches, progress=False)
    sync(device); t_collect = time.perf_counter() - t0
    plan = {f'model.layers.1.mlp.{r}_proj': 0.6 for r in ('gate', 'up', 'down')}
    t0 = time.perf_counter()
    for n in plan:
        F.eig(n)
    sync(device); t_eig = time.perf_counter() - t0
    t0 = time.perf_counter()
    h = edit_model(model, F, plan)
    sync(device); t_edit = time.perf_counter() - t0
    h.restore()
    t0 = time.perf_counter()
    hs = balanced_subnet(model, forget, retain, ratio=0.05, w=0.7, epochs=1, batch_size=32, progress=False)
    sync(device); t_bs = time.perf_counter() - t0
    hs.restore()
    kfac_total = t_collect + t_eig + t_edit
    return dict(case='gated 2048x640 (gate/up/down of one block)', collect_s=t_collect, eig_s=t_eig, edit_s=t_edit,
                kfac_total_s=kfac_total, balanced_subnet_1epoch_s=t_bs, balanced_subnet_10epoch_s_extrap=10 * t_bs,
                ratio_bs1_over_kfac=t_bs / kfac_total, ratio_bs10_over_kfac=10 * t_bs / kfac_total,
                factor_tokens=F.n_tokens[F.names[0]], peak_mb=peak_mb(device))


def case_big(device):
    from curvspec.factors import sym_eig
    from curvspec.edit import kfac_edit_weight
    p, q = 11008, 4096
    g = torch.Generator(device=device).manual_seed(0)
    W = torch.randn(p, q, generator=g, device=device) * 0.02

    def psd(n, k=512):   # low-rank + decaying diagonal: a realistic, full-rank PSD spectrum
        X = torch.randn(n, k, generator=g, device=device, dtype=torch.float64) / k ** 0.5
        return X @ X.T + torch.diag(torch.logspace(0, -6, n, device=device, dtype=torch.float64))
    G, A = psd(p), psd(q)
    sym_eig(psd(64))   # warm-up (solver handles), untimed
    base = peak_mb(device)
    sync(device); t0 = time.perf_counter()
    eG, eA = sym_eig(G), sym_eig(A)
    sync(device); t_eig = time.perf_counter() - t0
    del G, A
    t0 = time.perf_counter()
    W_new, info = kfac_edit_weight(W, eG, eA, 0.6)
    sync(device); t_edit = time.perf_counter() - t0
    return dict(case='11008x4096 (one OLMo-2-7B gate/up matrix)', eig_s=t_eig, edit_s=t_edit, kfac_total_s=t_eig + t_edit,
                pairs_kept=info.pairs_kept, a_vectors_used=info.a_vectors_used, g_vectors_used=info.g_vectors_used,
                peak_mb=peak_mb(device), peak_mb_before_eig=base)


def machine(device):
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    gpu = torch.cuda.get_device_name() if device == 'cuda' else None
    return dict(cpu=cpu, cores=os.cpu_count(), threads=torch.get_num_threads(), gpu=gpu, torch=torch.__version__)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--case', choices=['gated', 'big', 'all'], default='all')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:   # one case, in this process
        print(json.dumps(dict(gated=case_gated, big=case_big)[args.case](args.device)))
        return
    cases = ['gated', 'big'] if args.case == 'all' else [args.case]
    results = []
    for c in cases:
        out = subprocess.run([sys.executable, __file__, '--case', c, '--device', args.device, '--child'],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1], indent=1), flush=True)
    write_results(args.device, results, 'python benchmarks/edit_cost.py ' + ' '.join(sys.argv[1:]), machine(args.device))


def write_results(device, results, cmd, mach):
    "Merge `results` into benchmarks/results/edit_cost_<device>.json (replacing the same cases) and write the table."
    res = dict(command=cmd, machine=mach, results=results)
    out = HERE / 'results' / f'edit_cost_{device}.json'
    out.parent.mkdir(exist_ok=True)
    old = json.loads(out.read_text())['results'] if out.exists() else []
    keep = [r for r in old if r['case'] not in {x['case'] for x in results}]
    res['results'] = keep + results
    out.write_text(json.dumps(res, indent=1))
    lines = [f"# Edit cost ({device})", '', f"Machine: {res['machine']}", '', f"Command: `{cmd}`", '',
             '| case | factors (s) | eigh (s) | edit (s) | K-FAC total (s) | BalancedSubnet 1 epoch (s) | BS 10 epochs ÷ K-FAC | peak memory (MB) |',
             '|---|---|---|---|---|---|---|---|']
    for r in res['results']:
        f = lambda k: f"{r[k]:.2f}" if k in r else '–'
        lines.append(f"| {r['case']} | {f('collect_s')} | {f('eig_s')} | {f('edit_s')} | {f('kfac_total_s')} | "
                     f"{f('balanced_subnet_1epoch_s')} | {f('ratio_bs10_over_kfac')} | {r['peak_mb']:.0f} |")
    out.with_suffix('.md').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))

if __name__ == '__main__':
    main()
