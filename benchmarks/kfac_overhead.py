#!/usr/bin/env python
"""K-FAC factor collection overhead: curvspec vs curvlinops vs a plain training forward+backward.

One run, one model (HF GPT-2, random init, MLP Conv1D layers rewritten as equivalent nn.Linear), the same batches:

  (a) plain fwd+bwd: HF causal-LM loss (mean), ``loss.backward()``, every parameter requires grad, eval mode;
  (b) ``curvspec.collect_factors(model, batches, layers='mlp', labels=..., progress=False)``;
  (c) ``curvlinops.KFACLinearOperator`` on the same MLP linears (weights + biases), CrossEntropyLoss(reduction='sum'),
      kfac_approx='expand', logits of all but the last position flattened to (B*(T-1), V), labels = next tokens.

Timed: (b) with sampled labels (curvspec's default) and (c) with fisher_type='mc', mc_samples=1; with the empirical
Fisher as extra rows. Warm-up excluded, median of --repeats, the methods interleaved within each repeat.
Agreement: empirical Fisher (deterministic), relative Frobenius error of A and G for every layer.

    python benchmarks/kfac_overhead.py --preset cpu-small              # 2 CPU cores: a few minutes
    python benchmarks/kfac_overhead.py --preset gpt2-small --device cuda

Results: benchmarks/results/kfac_overhead_<preset>_<device>.{md,json}.
"""
from __future__ import annotations
import argparse, json, os, platform, shlex, statistics, sys, time
from pathlib import Path

PRESETS = {
    # GPT-2-small shape; 8 batches of 8 x 512 tokens (as in the peers brief's H200 table)
    'gpt2-small': dict(n_layer=12, n_embd=768, n_head=12, vocab=50257, seq=512, batch=8, n_batches=8, repeats=5),
    # a few minutes on 2 CPU cores
    'cpu-small': dict(n_layer=4, n_embd=256, n_head=4, vocab=50257, seq=128, batch=4, n_batches=4, repeats=3),
}
SHAPE_KEYS = ('n_layer', 'n_embd', 'n_head', 'vocab', 'seq', 'batch', 'n_batches', 'repeats')
AGREE_TOL = 1e-5   # relative Frobenius error, fp32 accumulation over a few thousand tokens gives ~1e-7


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--preset', choices=list(PRESETS), default='cpu-small')
    for k in SHAPE_KEYS: p.add_argument(f"--{k.replace('_', '-')}", type=int, default=None, help=f'override {k}')
    p.add_argument('--device', default=None, help="'cuda' or 'cpu' (default: cuda if available)")
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: $OMP_NUM_THREADS or torch default)')
    p.add_argument('--seed', type=int, default=0, help='model init, data and label-sampling seed')
    p.add_argument('--no-empirical-timing', action='store_true', help='skip the empirical-Fisher timing rows')
    p.add_argument('--no-curvlinops', action='store_true', help='skip (c) even if curvlinops is installed')
    p.add_argument('--no-tf32', action='store_true', help='on CUDA, skip the TF32 rows')
    p.add_argument('--profile', action='store_true',
                   help='also profile one curvspec call (torch.profiler) and write the op table next to the results')
    p.add_argument('--out-dir', default=str(Path(__file__).resolve().parent / 'results'))
    p.add_argument('--no-write', action='store_true', help='print only, write no result files')
    return p.parse_args(argv)


# ----------------------------------------------------------------------------------------------------------- model
def mlp_conv1d_to_linear(model) -> int:
    "Replace every GPT-2 MLP `Conv1D` (weight stored (in, out)) by an equal `nn.Linear` (weight (out, in)), in place."
    import torch
    from torch import nn
    n = 0
    for name, mod in list(model.named_modules()):
        if not name.endswith('.mlp'): continue
        for leaf in ('c_fc', 'c_proj'):
            conv = getattr(mod, leaf, None)
            if conv is None or type(conv).__name__ != 'Conv1D': continue
            d_in, d_out = conv.weight.shape
            lin = nn.Linear(d_in, d_out, bias=conv.bias is not None, device=conv.weight.device, dtype=conv.weight.dtype)
            with torch.no_grad():
                lin.weight.copy_(conv.weight.t())
                if conv.bias is not None: lin.bias.copy_(conv.bias)
            setattr(mod, leaf, lin)
            n += 1
    return n


def build_model(cfg, device, seed):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel
    config = GPT2Config(vocab_size=cfg['vocab'], n_positions=cfg['seq'], n_embd=cfg['n_embd'], n_layer=cfg['n_layer'],
                        n_head=cfg['n_head'], resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config).to(device).eval()
    # the conversion must not change the function: compare logits before / after on a small input
    x = torch.randint(0, cfg['vocab'], (2, min(cfg['seq'], 32)), generator=torch.Generator().manual_seed(seed)).to(device)
    with torch.no_grad(): before = model(input_ids=x, use_cache=False).logits
    n_conv = mlp_conv1d_to_linear(model)
    with torch.no_grad(): after = model(input_ids=x, use_cache=False).logits
    conv_err = float((after - before).abs().max() / before.abs().max())
    for prm in model.parameters(): prm.requires_grad_(True)
    return model, n_conv, conv_err


def make_batches(cfg, device, seed):
    import torch
    g = torch.Generator().manual_seed(seed + 1)
    return [torch.randint(0, cfg['vocab'], (cfg['batch'], cfg['seq']), generator=g).to(device)
            for _ in range(cfg['n_batches'])]


# ----------------------------------------------------------------------------------------------------------- (a)
def plain_fwd_bwd(model, batches):
    "(a): HF causal-LM loss (mean over B*(T-1) tokens) + backward, all parameters requiring grad (grads accumulate)."
    import torch
    model.zero_grad(set_to_none=True)
    for x in batches:
        out = model(input_ids=x, attention_mask=torch.ones_like(x), labels=x, use_cache=False)
        out.loss.backward()


# ----------------------------------------------------------------------------------------------------------- (b)
def curvspec_collect(model, batches, labels, seed=0, tf32=False):   # tf32=False: plain fp32 (the default is 'auto')
    import curvspec
    return curvspec.collect_factors(model, batches, layers='mlp', labels=labels, seed=seed, progress=False, tf32=tf32)


def tf32_matmul_run(fn):
    "Run `fn` with every CUDA fp32 matmul allowed to use TF32."
    from curvspec.collect import tf32_matmul
    with tf32_matmul(): return fn()


def full_gemms(fn):
    "`fn` with curvspec's factor GEMMs as one full XᵀX per factor instead of lower-triangle panels (a variant row)."
    import curvspec.collect as cc
    def run():
        old, cc.panel_rows = cc.panel_rows, (lambda d, min_rows=0: d)
        try: return fn()
        finally: cc.panel_rows = old
    return run


def under_tf32(fn):
    "`fn` with every CUDA fp32 matmul allowed to use TF32 (for the all-TF32 rows)."
    return lambda: tf32_matmul_run(fn)


def tf32_factor_error(model, batches, seed):
    "Relative Frobenius errors of TF32-GEMM factors vs fp32 ones (same labels), and of another sampling seed (fp32)."
    ref, tf = curvspec_collect(model, batches, 'sampled', seed), curvspec_collect(model, batches, 'sampled', seed, True)
    other = curvspec_collect(model, batches, 'sampled', seed + 1)
    err = lambda F: {n: dict(A=rel_fro(F.A[n], ref.A[n]), G=rel_fro(F.G[n], ref.G[n])) for n in ref.names}
    return err(tf), err(other)


# ----------------------------------------------------------------------------------------------------------- (c)
def have_curvlinops():
    try:
        import curvlinops  # noqa: F401
        return True
    except ImportError:
        return False


def _lm_logits_module(model, drop_last: bool):
    import torch
    from torch import nn

    class LMLogits(nn.Module):
        "curvlinops wants (N, V) logits: flatten (B, T', V), dropping the last position when `drop_last`."
        def __init__(self, model):
            super().__init__()
            self.model = model
        def forward(self, x):
            z = self.model(input_ids=x, attention_mask=torch.ones_like(x), use_cache=False).logits
            if drop_last: z = z[:, :-1]
            return z.reshape(-1, z.shape[-1])

    return LMLogits(model)


def mlp_params(model):
    import curvspec
    specs = curvspec.find_layers(model, 'mlp')
    return specs, [p for s in specs.values() for p in s.module.parameters()]


def curvlinops_kfac(wrapper, params, data, fisher_type, n_data, n_terms, seed=2147483647):
    "(c): construct the operator and compute its Kronecker factors (both timed)."
    from torch.nn import CrossEntropyLoss
    from curvlinops import KFACLinearOperator
    K = KFACLinearOperator(wrapper, CrossEntropyLoss(reduction='sum'), params, data, progressbar=False,
                           check_deterministic=False, seed=seed, fisher_type=fisher_type, mc_samples=1,
                           kfac_approx='expand', num_per_example_loss_terms=n_terms, num_data=n_data)
    K.compute_kronecker_factors()
    return K


# ----------------------------------------------------------------------------------------------------------- timing
def _sync(device):
    import torch
    if device.type == 'cuda': torch.cuda.synchronize(device)


def timed(fn, device):
    "(seconds, peak GPU bytes above the starting allocation or None)."
    import torch
    cuda = device.type == 'cuda'
    _sync(device)
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
    t0 = time.perf_counter()
    r = fn()
    _sync(device)
    dt = time.perf_counter() - t0
    peak = torch.cuda.max_memory_allocated(device) if cuda else None
    del r
    return dt, peak, (base if cuda else None)


def rel_fro(a, b):
    import torch
    a, b = a.double(), b.double()
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


def agreement(model, batches, cfg, specs):
    "Empirical Fisher: curvspec vs curvlinops, relative Frobenius error per layer (curvlinops as reference)."
    import torch
    F = curvspec_collect(model, batches, 'empirical')
    B, T, nb = cfg['batch'], cfg['seq'], cfg['n_batches']
    # curvspec drops the last position (no loss term there) from A and G. Feeding curvlinops the first T-1 tokens
    # gives, by causality, exactly the activations and logits of positions 0..T-2 of the full sequence, so its hooks
    # see the same rows. curvlinops normalizes A by N_data * (T-1) = number of rows (a mean) and, with reduction='sum'
    # and the empirical Fisher, leaves G as a plain sum of g gᵀ over rows: divide by the row count.
    data = [(x[:, :-1], x[:, 1:].reshape(-1)) for x in batches]
    _, params = mlp_params(model)
    K = curvlinops_kfac(_lm_logits_module(model, drop_last=False), params, data, 'empirical', B * nb, T - 1)
    rows = B * (T - 1) * nb
    out = {}
    for n in specs:
        A_cl, G_cl = K._input_covariances[f'model.{n}'], K._gradient_covariances[f'model.{n}'] / rows
        assert F.n_tokens[n] == rows, (F.n_tokens[n], rows)
        out[n] = dict(A=rel_fro(F.A[n], A_cl), G=rel_fro(F.G[n], G_cl))
    return out


def microbench_components(cfg, device, specs, repeats):
    "Pieces of one batch's work measured alone: label sampling (curvspec / curvlinops style) and the factor GEMMs."
    import torch
    from curvspec.collect import sample_from_probs, sym_addmm_, panel_rows, gemm_min_rows
    n, V = cfg['batch'] * (cfg['seq'] - 1), cfg['vocab']
    g = torch.Generator(device=device).manual_seed(0)
    z = torch.randn(n, V, device=device, generator=g)
    gen = torch.Generator(device=device).manual_seed(1)

    def cs_sample():   # what curvspec does per batch: fp32 softmax, inverse-CDF sample, p - onehot
        p = torch.softmax(z, -1)
        y = sample_from_probs(p, gen)
        p[torch.arange(n, device=device), y] -= 1
        return p

    def cl_sample():   # what curvlinops' MC does per batch: softmax + multinomial (then CE + backward, not here)
        return z.softmax(1).multinomial(1, generator=gen)

    def hf_loss():     # the plain step's loss: cross-entropy on the logits (forward only)
        return torch.nn.functional.cross_entropy(z, torch.zeros(n, dtype=torch.long, device=device))

    sums = {k: torch.zeros(d, d, device=device) for s in specs.values() for k, d in ((f'A{s.name}', s.d_in), (f'G{s.name}', s.d_out))}
    acts = {d: torch.randn(n, d, device=device, generator=g) for d in {s.d_in for s in specs.values()} | {s.d_out for s in specs.values()}}

    def gemms(lower, tf32=False):  # one full addmm_ per A and G of every tracked layer, or curvspec's panels
        for s in specs.values():
            for k, x in ((f'A{s.name}', acts[s.d_in]), (f'G{s.name}', acts[s.d_out])):
                rows = panel_rows(x.shape[1], gemm_min_rows(device, tf32))
                sym_addmm_(sums[k], x, rows) if lower else sums[k].addmm_(x.T, x)

    pieces = [('curvspec_sampling', cs_sample), ('curvlinops_multinomial', cl_sample), ('cross_entropy_fwd', hf_loss),
              ('factor_gemms_full', lambda: gemms(False)), ('factor_gemms_curvspec', lambda: gemms(True))]
    if device.type == 'cuda':
        pieces += [('factor_gemms_full_tf32', lambda: tf32_matmul_run(lambda: gemms(False))),
                   ('factor_gemms_curvspec_tf32', lambda: tf32_matmul_run(lambda: gemms(True, True)))]
    res = {}
    for name, fn in pieces:
        fn()
        ts = [timed(fn, device)[0] for _ in range(repeats)]
        res[name] = statistics.median(ts) * cfg['n_batches']   # per run = per batch x n_batches
    del z, acts, sums
    return res


def profile_curvspec(model, batches, device, path):
    import torch
    from torch.profiler import profile, ProfilerActivity
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == 'cuda' else [])
    curvspec_collect(model, batches, 'sampled')
    with profile(activities=acts) as prof:
        curvspec_collect(model, batches, 'sampled')
        _sync(device)
    key = 'self_device_time_total' if device.type == 'cuda' else 'self_cpu_time_total'
    table = prof.key_averages().table(sort_by=key, row_limit=30)
    Path(path).write_text(table + '\n')
    return table


# ----------------------------------------------------------------------------------------------------------- report
def machine_info(device, threads):
    import torch, transformers
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), None) \
        if Path('/proc/cpuinfo').exists() else platform.processor()
    info = dict(cpu=cpu, cpu_count=os.cpu_count(), torch=torch.__version__, transformers=transformers.__version__,
                python=platform.python_version(), threads=threads, device=str(device),
                omp_num_threads=os.environ.get('OMP_NUM_THREADS'))
    try:
        import curvspec; info['curvspec'] = getattr(curvspec, '__version__', None)
    except Exception: pass
    try:
        from importlib.metadata import version; info['curvlinops'] = version('curvlinops-for-pytorch')
    except Exception: info['curvlinops'] = None
    if device.type == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(device)
        info['cuda'] = torch.version.cuda
        info['tf32_matmul'] = torch.backends.cuda.matmul.allow_tf32
    return info


def fmt_gib(b): return '–' if b is None else f'{b / 2**30:.2f}'


def to_markdown(R):
    c, m = R['config'], R['machine']
    L = [f"# K-FAC factor-collection overhead: `{R['preset']}` on `{m['device']}`", '',
         f"Command: `{R['command']}`", '',
         "Machine: " + (f"GPU {m['gpu']} (CUDA {m['cuda']}, TF32 matmul {m['tf32_matmul']}); " if 'gpu' in m else '')
         + f"CPU {m['cpu']} ({m['cpu_count']} logical CPUs visible), torch {m['torch']}, transformers "
         f"{m['transformers']}, curvlinops {m.get('curvlinops')}, torch threads {m['threads']}; load average "
         f"(1 min) {m['loadavg_start'][0]:.2f} at start, {m['loadavg_end'][0]:.2f} at end.", '',
         f"Model: GPT-2, random init (seed {R['seed']}), {c['n_layer']} layers, width {c['n_embd']}, {c['n_head']} heads, "
         f"vocab {c['vocab']}, fp32, dropout 0, eval mode; {R['n_conv1d_converted']} MLP Conv1D layers rewritten as "
         f"nn.Linear (max relative logit change {R['conv1d_to_linear_err']:.1e}). Data: {c['n_batches']} batches of "
         f"{c['batch']} x {c['seq']} random tokens ({R['tokens_counted']} loss positions). Tracked: the "
         f"{len(R['layers'])} MLP linears. Median of {c['repeats']} repeats after one warm-up; the methods are "
         f"interleaved within each repeat.", '',
         '| Step | median s | min s | max s | ÷ (a) | peak GPU GiB | of which above model+data |', '|---|---|---|---|---|---|---|']
    for k, row in R['timings'].items():
        L.append(f"| {row['label']} | {row['median_s']:.3f} | {min(row['all_s']):.3f} | {max(row['all_s']):.3f} | "
                 f"{row['ratio_vs_a']:.2f} | {fmt_gib(row.get('peak_bytes'))} | {fmt_gib(row.get('peak_above_base_bytes'))} |")
    L += ['', '| Ratio | of medians | of minima | target |', '|---|---|---|---|']
    for k, v in R['ratios'].items():
        L.append(f"| {k} | {v['value']:.2f} | {v['value_of_minima']:.2f} | {v.get('target', '')} |")
    if R.get('components_s'):
        L += ['', 'Pieces timed alone (per run = per batch x batches; synthetic inputs of the same shapes):', '',
              '| Piece | s per run | ÷ (a) |', '|---|---|---|']
        for k, v in R['components_s'].items():
            L.append(f"| {k} | {v:.3f} | {v / R['timings']['a']['median_s']:.2f} |")
    if R.get('agreement'):
        L += ['', "Agreement, empirical Fisher (labels = next tokens), curvspec vs curvlinops "
              "(relative Frobenius error, curvlinops as reference):", '', '| Layer | A | G |', '|---|---|---|']
        for n, e in R['agreement'].items(): L.append(f"| {n} | {e['A']:.2e} | {e['G']:.2e} |")
        L.append(f"| **max** | **{R['agreement_max']['A']:.2e}** | **{R['agreement_max']['G']:.2e}** |")
        L += ['', f"Agreement within {R['agreement_tol']:g}: **{'yes' if R['agreement_ok'] else 'NO'}**."]
    elif R.get('curvlinops_skipped'):
        L += ['', f"(c) skipped: {R['curvlinops_skipped']}"]
    if R.get('tf32_factor_error'):
        L += ['', f"TF32 factor GEMMs against fp32 ones (same labels), max relative Frobenius error over A and G of all "
              f"layers: {R['tf32_factor_error_max']:.1e}."]
    if R.get('seed_factor_error'):
        lo, hi = R['seed_factor_error_G']
        L += [f"Sampling noise for scale: fp32 G from label seed {R['seed'] + 1} against seed {R['seed']}, relative "
              f"Frobenius error {lo:.1e} to {hi:.1e} over the layers (A does not depend on the labels)."]
    L += ['', f"Total wall time of the benchmark: {R['total_wall_s']:.0f} s.", '']
    return '\n'.join(L)


# ----------------------------------------------------------------------------------------------------------- main
def main(argv=None):
    args = parse_args(argv)
    t_start, load_start = time.perf_counter(), os.getloadavg()
    import torch
    if args.threads is None and os.environ.get('OMP_NUM_THREADS'): args.threads = int(os.environ['OMP_NUM_THREADS'])
    if args.threads: torch.set_num_threads(args.threads)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    if device.type == 'cuda' and not torch.cuda.is_available(): sys.exit('--device cuda but CUDA is not available')
    cfg = dict(PRESETS[args.preset])
    custom = False
    for k in SHAPE_KEYS:
        v = getattr(args, k)
        if v is not None and v != cfg[k]: cfg[k], custom = v, custom or k != 'repeats'   # repeats: same shape
    preset = args.preset + ('-custom' if custom else '')

    use_cl = not args.no_curvlinops and have_curvlinops()
    skipped = None
    if args.no_curvlinops: skipped = '--no-curvlinops'
    elif not use_cl:
        skipped = 'curvlinops is not installed: pip install curvlinops-for-pytorch'
        print(f"[kfac_overhead] curvlinops not importable; skipping (c). Install it with: "
              f"pip install curvlinops-for-pytorch", file=sys.stderr)

    model, n_conv, conv_err = build_model(cfg, device, args.seed)
    batches = make_batches(cfg, device, args.seed)
    specs, params = mlp_params(model)
    B, T, nb = cfg['batch'], cfg['seq'], cfg['n_batches']
    print(f"[kfac_overhead] {preset} on {device} ({torch.get_num_threads()} threads): {cfg}; "
          f"{n_conv} Conv1D->Linear (rel. logit change {conv_err:.1e}); tracking {len(specs)} MLP linears", flush=True)

    # the methods, all on the same model and batches
    methods = {'a': ('(a) plain fwd+bwd (HF loss, all params grad)', lambda: plain_fwd_bwd(model, batches)),
               'b': ("(b) curvspec collect_factors, labels='sampled', tf32=False",
                     lambda: curvspec_collect(model, batches, 'sampled', args.seed))}
    if use_cl:
        cl_data = [(x, x[:, 1:].reshape(-1)) for x in batches]   # full inputs; the wrapper drops the last logits
        cl_model = _lm_logits_module(model, drop_last=True)
        methods['c'] = ("(c) curvlinops KFAC, fisher_type='mc', mc_samples=1",
                        lambda: curvlinops_kfac(cl_model, params, cl_data, 'mc', B * nb, T - 1, seed=args.seed))
    if not args.no_empirical_timing:
        methods['b_emp'] = ("(b') curvspec, labels='empirical'", lambda: curvspec_collect(model, batches, 'empirical'))
        if use_cl:
            methods['c_emp'] = ("(c') curvlinops KFAC, fisher_type='empirical'",
                                lambda: curvlinops_kfac(cl_model, params, cl_data, 'empirical', B * nb, T - 1))

    if device.type == 'cuda' and not args.no_tf32:   # TF32: curvspec's default (factor GEMMs only); everything
        methods['a_tf32'] = ('(a) plain fwd+bwd, all matmuls TF32', under_tf32(methods['a'][1]))
        methods['b_tf32'] = ("(b) curvspec default on CUDA, tf32='auto' (factor GEMMs only)",
                             lambda: curvspec_collect(model, batches, 'sampled', args.seed, tf32=True))
        methods['b_alltf32'] = ("(b) curvspec, all matmuls TF32", under_tf32(methods['b_tf32'][1]))
        methods['b_tf32_full'] = ("(b) variant: tf32='auto', full GEMMs (no panels)", full_gemms(methods['b_tf32'][1]))
        methods['b_alltf32_full'] = ("(b) variant: all matmuls TF32, full GEMMs", full_gemms(methods['b_alltf32'][1]))
        if use_cl: methods['c_tf32'] = ("(c) curvlinops KFAC mc, all matmuls TF32", under_tf32(methods['c'][1]))

    def run_one(key):
        dt, peak, base = timed(methods[key][1], device)
        model.zero_grad(set_to_none=True)   # (a)'s gradients must not sit in memory during the others
        return dt, peak, base

    for k in methods: run_one(k)   # warm-up (allocator, kernels, lazy imports)
    times = {k: [] for k in methods}
    peaks = {k: [] for k in methods}
    base = None
    for r in range(cfg['repeats']):
        for k in methods:
            dt, peak, base_k = run_one(k)
            times[k].append(dt)
            if peak is not None: peaks[k].append(peak - base_k); base = base_k
        print(f"[kfac_overhead] repeat {r + 1}/{cfg['repeats']}: " +
              ', '.join(f'{k} {times[k][-1]:.3f}s' for k in methods), flush=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    mn = {k: min(v) for k, v in times.items()}   # least-disturbed estimate on a shared machine
    timings = {k: dict(label=methods[k][0], median_s=med[k], all_s=times[k], ratio_vs_a=med[k] / med['a'],
                       **({'peak_bytes': max(peaks[k]) + base, 'peak_above_base_bytes': max(peaks[k])}
                          if peaks[k] else {})) for k in methods}
    on_gpu_small = device.type == 'cuda' and args.preset == 'gpt2-small' and not custom
    def ratio(x, y, **kw): return dict(value=med[x] / med[y], value_of_minima=mn[x] / mn[y], **kw)
    ratios = {'(b)/(a)': ratio('b', 'a', target='<= 1.0 (GPT-2-small, GPU)' if on_gpu_small
                               else '(<= 1.0 on GPT-2-small, GPU)')}
    if 'c' in med:
        ratios['(c)/(a)'] = ratio('c', 'a')
        ratios['(c)/(b)'] = ratio('c', 'b', target='>= 1.5')
    if 'b_emp' in med: ratios["(b')/(a) empirical"] = ratio('b_emp', 'a')
    if 'c_emp' in med:
        ratios["(c')/(a) empirical"] = ratio('c_emp', 'a')
        ratios["(c')/(b') empirical"] = ratio('c_emp', 'b_emp')

    if 'b_tf32' in med:
        ratios['(b tf32)/(a)'] = ratio('b_tf32', 'a', target='<= 1.0 (GPT-2-small, GPU)' if on_gpu_small else '')
        ratios['(b tf32)/(a tf32)'] = ratio('b_tf32', 'a_tf32')
        if 'c_tf32' in med: ratios['(c tf32)/(b tf32)'] = ratio('c_tf32', 'b_tf32')
        ratios['(b all-tf32)/(a tf32)'] = ratio('b_alltf32', 'a_tf32', target='<= 1.0 (like for like)')
        if 'c_tf32' in med: ratios['(c tf32)/(b all-tf32)'] = ratio('c_tf32', 'b_alltf32', target='>= 1.5')

    agree = agreement(model, batches, cfg, specs) if use_cl else None
    tf32_err, seed_err = tf32_factor_error(model, batches, args.seed) if 'b_tf32' in med else (None, None)
    if agree:
        print('[kfac_overhead] agreement (rel. Frobenius error): ' +
              ', '.join(f"{n}: A {e['A']:.1e} G {e['G']:.1e}" for n, e in agree.items()), flush=True)
    comps = microbench_components(cfg, device, specs, max(3, cfg['repeats']))

    env = ''.join(f'{k}={os.environ[k]} ' for k in ('OMP_NUM_THREADS', 'CUDA_VISIBLE_DEVICES') if k in os.environ)
    R = dict(preset=preset, device=str(device), seed=args.seed,
             command=env + shlex.join([sys.executable] + sys.argv if argv is None else ['kfac_overhead.py'] + list(argv)),
             machine=machine_info(device, torch.get_num_threads()), config=cfg, layers=list(specs),
             n_conv1d_converted=n_conv, conv1d_to_linear_err=conv_err, tokens_counted=B * (T - 1) * nb,
             timings=timings, ratios=ratios, components_s=comps, agreement=agree,
             agreement_max=(dict(A=max(e['A'] for e in agree.values()), G=max(e['G'] for e in agree.values()))
                            if agree else None),
             agreement_tol=AGREE_TOL,
             agreement_ok=(max(max(e.values()) for e in agree.values()) <= AGREE_TOL) if agree else None,
             curvlinops_skipped=skipped, tf32_factor_error=tf32_err,
             tf32_factor_error_max=max(max(e.values()) for e in tf32_err.values()) if tf32_err else None,
             seed_factor_error=seed_err,
             seed_factor_error_G=[f(e['G'] for e in seed_err.values()) for f in (min, max)] if seed_err else None,
             gpu_base_bytes=base)
    stem = f"kfac_overhead_{preset}_{device.type}"
    if args.profile:
        prof_path = Path(args.out_dir) / f'{stem}_profile.txt'
        prof_path.parent.mkdir(parents=True, exist_ok=True)
        print(profile_curvspec(model, batches, device, prof_path))
        R['profile_file'] = prof_path.name
    R['machine']['loadavg_start'], R['machine']['loadavg_end'] = load_start, os.getloadavg()
    R['total_wall_s'] = time.perf_counter() - t_start
    md = to_markdown(R)
    print(md)
    if not args.no_write:
        out = Path(args.out_dir); out.mkdir(parents=True, exist_ok=True)
        (out / f'{stem}.md').write_text(md)
        (out / f'{stem}.json').write_text(json.dumps(R, indent=1) + '\n')
        print(f"[kfac_overhead] wrote {out / stem}.md and .json")
    return R


if __name__ == '__main__':
    main()
