"""Make PyPI's CUDA-built torchvision importable next to a CPU-only torch (dev environments only).

PyPI ships torchvision wheels built against the CUDA torch. Next to `torch==2.13.0+cpu` their C extension cannot
load, and two unguarded fake-kernel registrations then abort `import torchvision` with
"operator torchvision::nms does not exist" -- which also breaks `import transformers` models and `import timm`.
This module installs a meta-path finder (cheap: torch is not imported at start-up) that, on the first import of
torchvision, tries to load its extension and, only if that fails, declares the two operator schemas without
kernels. Detection ops (nms) stay unusable; ViTs never need them.

`tools/setup_env.sh` copies this file into site-packages as `_curvspec_tvfix.py` with a `.pth` line importing it.
"""
import importlib.abc
import importlib.util
import os
import sys

_SCHEMA = '(Tensor dets, Tensor scores, float iou_threshold) -> Tensor'


class _TorchvisionFix(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != 'torchvision':
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec('torchvision')
        if spec is None or not spec.submodule_search_locations:
            return spec
        import torch
        so = [f for f in os.listdir(spec.submodule_search_locations[0]) if f.startswith('_C.') and f.endswith('.so')]
        try:
            if so:
                torch.ops.load_library(os.path.join(spec.submodule_search_locations[0], so[0]))
        except OSError:
            for op in ('nms', 'qnms'):
                try:
                    torch.library.define(f'torchvision::{op}', _SCHEMA)
                except RuntimeError:
                    pass
        return spec


if not any(isinstance(f, _TorchvisionFix) for f in sys.meta_path):
    sys.meta_path.insert(0, _TorchvisionFix())
