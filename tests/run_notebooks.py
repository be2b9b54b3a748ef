"""Run every library notebook's tests (nbdev's rules: skip flags, `_`/`.` names, `.notest` folders) and count them.

    python tests/run_notebooks.py [--flags "slow gpu"] [PATTERN ...]

Prints one line per notebook with its time, then `N passed, N failed`; exits non-zero if any failed.
"""
import argparse
import sys
import time
from pathlib import Path

from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('patterns', nargs='*', help='only notebooks whose name contains one of these')
    ap.add_argument('--flags', default='', help='test flags to run (e.g. "slow gpu"); others are skipped')
    args = ap.parse_args()
    cfg = get_config()
    root = Path(cfg.config_path)
    nbs = root / cfg.nbs_path
    todo = [p for p in sorted(nbs.rglob('*.ipynb'))
            if not any(s[0] in '_.' for s in p.relative_to(nbs).parts)
            and not any((q / '.notest').exists() for q in p.relative_to(nbs).parents if q != Path('.'))
            and not (p.parent / '.notest').exists()
            and (not args.patterns or any(s in p.name for s in args.patterns))]
    skip = [f for f in cfg.tst_flags.split() if f not in args.flags.split()]
    results = []
    for p in todo:
        t0 = time.time()
        ok, _ = run_notebook(p, skip_flags=skip, basepath=root)
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {p.relative_to(root)} ({time.time() - t0:.0f} s)", flush=True)
    n_ok = sum(results)
    print(f"{n_ok} passed, {len(results) - n_ok} failed")
    sys.exit(0 if results and all(results) else 1)


if __name__ == '__main__':
    main()
