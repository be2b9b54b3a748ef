"""Data-parallel K-FAC factor collection with torchrun (gloo on CPU, NCCL on GPU).

    torchrun --standalone --nproc_per_node 2 examples/collect_distributed.py --out runs/factors.safetensors
    python examples/collect_distributed.py --out runs/factors_1proc.safetensors      # the same, one process

Every rank iterates the same batches and processes batch i when i % world_size == rank; labels are sampled from
a generator seeded by (seed, batch index), so the all-reduced factors equal the one-process result up to float
summation order. Swap in your own model and batches (a DataLoader works) to scale out a real collection.
"""
import argparse
import os

import torch
import torch.distributed as dist
from transformers import GPT2Config, GPT2LMHeadModel

from curvspec import collect_factors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True, help='where rank 0 writes the factors (safetensors)')
    ap.add_argument('--batches', type=int, default=8)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--checkpoint', default=None, help='partial-sum checkpoint path (one file per rank)')
    args = ap.parse_args()
    distributed = 'RANK' in os.environ
    if distributed:
        dist.init_process_group('nccl' if torch.cuda.is_available() else 'gloo')
    device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else 'cpu'
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=32, n_head=2, vocab_size=97, n_positions=64)).to(device)
    g = torch.Generator().manual_seed(1)
    batches = [torch.randint(0, 97, (4, 24), generator=g) for _ in range(args.batches)]
    F = collect_factors(model, batches, labels='sampled', seed=args.seed, checkpoint=args.checkpoint)
    if not distributed or dist.get_rank() == 0:
        F.save(args.out)
        print(f"saved {F} to {args.out}")
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
