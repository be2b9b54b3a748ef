"""The K-FAC factor GEMM S += XᵀX alone: one full GEMM vs curvspec's lower-triangle row panels, fp32 vs TF32.

Decides `curvspec.collect.panel_rows`. For each width d (the MLP widths of GPT-2-small, Gemma-3-270M and OLMo-2-1B) and
n rows per batch, it times a full `addmm_` and `sym_addmm_` with 2..16 panels, in fp32 and (CUDA) TF32, and reports
the median time and the achieved rate counting the FLOPs each variant does (full: 2nd², panels: fewer).

    python benchmarks/factor_gemms.py --device cuda        # writes benchmarks/results/factor_gemms_<device>.{md,json}
"""
import argparse, json, platform, statistics, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from curvspec.collect import sym_addmm_, tf32_matmul  # noqa: E402

WIDTHS = {'GPT-2-small': (768, 3072), 'Gemma-3-270M': (640, 2048), 'OLMo-2-1B': (2048, 8192)}
PANELS = (2, 3, 4, 6, 8, 12, 16)


def rows_for(d, p):
    "ceil(d / p) rounded up to a multiple of 64."
    per = -(-d // p)
    return -(-per // 64) * 64


def timeit(fn, device, reps):
    fn(); fn()
    ts = []
    for _ in range(reps):
        if device.type == 'cuda':
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record(); fn(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b) / 1e3)
        else:
            t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def flops(n, d, rows):
    "FLOPs of the panel product: panel i multiplies (n x r_i)ᵀ by (n x j_i)."
    return sum(2 * n * (min(i + rows, d) - i) * min(i + rows, d) for i in range(0, d, rows))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cpu'); ap.add_argument('--n', type=int, default=4088)
    ap.add_argument('--reps', type=int, default=20); ap.add_argument('--out-dir', default='benchmarks/results')
    ap.add_argument('--render', metavar='JSON', help='only rewrite the markdown table of an earlier results file')
    a = ap.parse_args(argv)
    if a.render:
        R = json.loads(Path(a.render).read_text())
        R.setdefault('device', 'cuda' if 'cuda' in a.render else 'cpu'); R.setdefault('reps', a.reps)
        Path(a.render).with_suffix('.md').write_text(render(R))
        return
    dev = torch.device(a.device)
    g = torch.Generator(device=dev).manual_seed(0)
    precs = ['fp32'] + (['tf32'] if dev.type == 'cuda' else [])
    rows_out = []
    for model, ds in WIDTHS.items():
        for d in ds:
            X = torch.randn(a.n, d, device=dev, generator=g)
            S = torch.zeros(d, d, device=dev)
            for prec in precs:
                variants = [('full', None)] + [(f'{p} panels', rows_for(d, p)) for p in PANELS if rows_for(d, p) < d]
                for name, rows in variants:
                    fn = (lambda: S.addmm_(X.T, X)) if rows is None else (lambda r=rows: sym_addmm_(S, X, r))
                    with tf32_matmul(prec == 'tf32'):
                        t = timeit(fn, dev, a.reps)
                    f = 2 * a.n * d * d if rows is None else flops(a.n, d, rows)
                    rows_out.append(dict(model=model, d=d, precision=prec, variant=name, rows=rows or d, ms=t * 1e3,
                                         flop_frac=f / (2 * a.n * d * d), tflops=f / t / 1e12))
                    print(rows_out[-1], flush=True)
            del X, S
    machine = dict(device=torch.cuda.get_device_name() if dev.type == 'cuda' else platform.processor() or 'cpu',
                   torch=torch.__version__, threads=torch.get_num_threads())
    out = Path(a.out_dir); out.mkdir(parents=True, exist_ok=True)
    stem = out / f'factor_gemms_{dev.type}'
    cmd = 'python ' + ' '.join(['benchmarks/factor_gemms.py'] + (sys.argv[1:] if argv is None else list(argv)))
    R = dict(command=cmd, machine=machine, device=dev.type, n=a.n, reps=a.reps, rows=rows_out)
    stem.with_suffix('.json').write_text(json.dumps(R, indent=1))
    stem.with_suffix('.md').write_text(render(R))
    print(render(R))


def render(R) -> str:
    "The results table in markdown, with each variant's time over the full GEMM of the same shape and precision."
    rows = R['rows']
    key = lambda r: (r['model'], r['d'], r['precision'])
    full = {key(r): r['ms'] for r in rows if r['variant'] == 'full'}
    best = {k: min(r['ms'] for r in rows if key(r) == k) for k in full}
    L = [f"# Factor GEMM S += XᵀX: full vs lower-triangle panels ({R['device']})", '', f"Command: `{R['command']}`", '',
         f"Machine: {R['machine']}; n = {R['n']} rows per GEMM; median of {R['reps']} after 2 warm-ups.", '',
         '| model | d | precision | variant | rows/panel | FLOPs ÷ full | ms | TFLOP/s done | ÷ full time |',
         '|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        ms = f"**{r['ms']:.3f}**" if r['ms'] == best[key(r)] else f"{r['ms']:.3f}"
        L.append(f"| {r['model']} | {r['d']} | {r['precision']} | {r['variant']} | {r['rows']} | {r['flop_frac']:.2f} | "
                 f"{ms} | {r['tflops']:.1f} | {r['ms'] / full[key(r)]:.2f} |")
    return '\n'.join(L) + '\n'


if __name__ == '__main__':
    main()
