#!/usr/bin/env python3
"""PyTorch's kernels on the shapes of optc's GEMM and batch-norm benchmarks: torch.mm on the products of the Fashion
MLP's dense layers (rows x in x out: forward x.W^T, backward dy.W and dy^T.x) and on 1024^3, in GFLOP/s; and
BatchNorm1d forward+backward in training mode on (256, 1024), in microseconds. 1 and 2 threads each.

usage: kernels.py [--seconds S]

Each figure is the best of several rounds (each round the mean of as many calls as fit in S/5 seconds): on a shared
machine the best round is the least disturbed. Run it through run-kernels.sh, which sets PyTorch's best
configuration and prints optc's figures from the same run.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
try:
    import torch
except ImportError as e:
    print(f"kernels.py: PyTorch cannot be imported by {sys.executable} ({e}); install python3-torch. Nothing measured.")
    sys.exit(0)

SHAPES = [(128, 784, 256), (128, 256, 128), (128, 128, 10), (1024, 1024, 1024)]


def best_of(fn, seconds):
    fn()
    rounds = []
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed > seconds / 5:
                break
        rounds.append(elapsed / calls)
    return min(rounds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    env = {k: os.environ.get(k, "(unset)") for k in
           ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")}
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
    print("BLAS loaded by PyTorch: " + (", ".join(blas) or "none found")
          + (" (Debian's reference BLAS: install libopenblas0-pthread, or see OPTC_PEER_BLAS in the wrapper)"
             if any("/blas/" in b for b in blas) else ""))
    print(f"PyTorch {torch.__version__}; environment: " + " ".join(f"{k}={v}" for k, v in env.items()))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    torch.manual_seed(0)
    print("| product | rows x in x out | PyTorch GFLOP/s, 1 thread | 2 threads |")
    print("|---|---|--:|--:|")
    for rows, n_in, n_out in SHAPES:
        x, w = torch.randn(rows, n_in), torch.randn(n_out, n_in)
        dy = torch.randn(rows, n_out)
        flops = 2.0 * rows * n_in * n_out
        for name, fn in (("forward x.W^T", lambda: torch.mm(x, w.t())),
                         ("backwardInput dy.W", lambda: torch.mm(dy, w)),
                         ("backwardWeights dy^T.x", lambda: torch.mm(dy.t(), x))):
            figures = []
            for threads in (1, 2):
                torch.set_num_threads(threads)
                figures.append(flops / best_of(fn, args.seconds) / 1e9)
            print(f"| {name} | {rows}x{n_in}x{n_out} | {figures[0]:.1f} | {figures[1]:.1f} |", flush=True)

    print()
    print("| BatchNorm1d (256, 1024), training | 1 thread µs | 2 threads µs |")
    print("|---|--:|--:|")
    bn = torch.nn.BatchNorm1d(1024)
    x = torch.randn(256, 1024, requires_grad=True)
    dy = torch.randn(256, 1024)
    figures = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        forward = best_of(lambda: bn(x), args.seconds)

        def both():
            x.grad = None
            bn.weight.grad = None
            bn.bias.grad = None
            bn(x).backward(dy)
        figures[threads] = (forward, best_of(both, args.seconds))
    for what, i in (("forward", 0), ("forward + backward", 1)):
        print(f"| {what} | {figures[1][i] * 1e6:.1f} | {figures[2][i] * 1e6:.1f} |")


if __name__ == "__main__":
    main()
