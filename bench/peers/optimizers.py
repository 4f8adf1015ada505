#!/usr/bin/env python3
"""PyTorch's optimizers on the rules and sizes of dev.optc.bench.UpdateBenchmark, on the CPU.

usage: optimizers.py [JMH-RESULT.json | PAIRED.json] [--quick] [--fastest] [--sizes 16K,1M,16M] [--rules sgd,adam,...]

Every rule runs on one flat float32 tensor of N parameters (as optc's flat buffer), with foreach=True and
foreach=False, on 1 and 2 threads (torch.set_num_threads). Each figure is the best, over repeats, of the mean time
of a batch of steps. With a JMH JSON result of UpdateBenchmark, optc's default kernel (the `default` variant: the
one a trainer runs; at its best thread count) is printed next to PyTorch's best configuration, with the ratio; or,
with the --json of dev.optc.bench.PairedUpdates, its median time per call there. Run it through run-optimizers.sh,
which sets the environment the figures in BENCHMARKS.md were taken with.

--fastest, for a machine busy with other work: each PyTorch figure is its fastest single step, and optc's the fastest
call JMH sampled (the 0th percentile: run UpdateBenchmark with -bm sample), the same estimator on both sides.

Hyperparameters are the prelude's defaults. PyTorch's formulas differ from the book's in ways that do not change
the memory traffic: momentum keeps v = mu*v + g and steps by lr*v; Adagrad and RMSprop add eps outside the root.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import torch
except ImportError as e:
    print(f"optimizers.py: PyTorch cannot be imported by {sys.executable} ({e}).")
    print("optimizers.py: install Debian's python3-torch (apt-get install -y python3-torch) to run the comparison;"
          " nothing was measured.")
    sys.exit(0)

RULES = ["sgd", "momentum", "adagrad", "rmsprop", "adam", "delta_bar_delta"]
SIZES = {"16K": 16384, "1M": 1 << 20, "16M": 1 << 24}


class DeltaBarDelta:
    """8.5 Delta-bar-delta (Jacobs, 1988) with torch ops, as the prelude writes it: PyTorch has no built-in."""

    def __init__(self, params, lr=0.01, kappa=0.001, phi=0.1, gamma=0.7, foreach=False):
        self.params = list(params)
        self.kappa, self.phi, self.gamma, self.foreach = kappa, phi, gamma, foreach
        self.eps = [torch.full_like(p, lr) for p in self.params]
        self.dbar = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self):
        grads = [p.grad for p in self.params]
        if self.foreach:
            torch._foreach_addcmul_(self.params, self.eps, grads, value=-1)
            products = torch._foreach_mul(self.dbar, grads)
            for eps, prod in zip(self.eps, products):
                eps.add_(torch.where(prod > 0, self.kappa, torch.where(prod < 0, -self.phi * eps, 0.0)))
            torch._foreach_mul_(self.dbar, self.gamma)
            torch._foreach_add_(self.dbar, grads, alpha=1 - self.gamma)
        else:
            for p, g, eps, dbar in zip(self.params, grads, self.eps, self.dbar):
                p.addcmul_(eps, g, value=-1)
                prod = dbar * g
                eps.add_(torch.where(prod > 0, self.kappa, torch.where(prod < 0, -self.phi * eps, 0.0)))
                dbar.mul_(self.gamma).add_(g, alpha=1 - self.gamma)


def micros(value):
    """Three significant digits, without exponents."""
    return f"{value:.3g}" if value < 1000 else f"{value:.0f}"


def optimizer(rule, params, foreach):
    if rule == "sgd":
        return torch.optim.SGD(params, lr=0.01, foreach=foreach)
    if rule == "momentum":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9, foreach=foreach)
    if rule == "adagrad":
        return torch.optim.Adagrad(params, lr=0.01, eps=1e-7, foreach=foreach)
    if rule == "rmsprop":
        return torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-6, foreach=foreach)
    if rule == "adam":
        return torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, foreach=foreach)
    if rule == "delta_bar_delta":
        return DeltaBarDelta(params, foreach=foreach)
    raise ValueError(rule)


def time_per_step(rule, n, foreach, seconds, repeats, fastest=False):
    """Best over repeats of the mean seconds per step (or, fastest, the fastest single step), after a warm-up that also
    creates the state."""
    generator = torch.Generator().manual_seed(42)
    theta = (torch.rand(n, generator=generator) * 2 - 1).requires_grad_(True)
    theta.grad = torch.rand(n, generator=generator) * 2 - 1
    opt = optimizer(rule, [theta], foreach)
    for _ in range(3):
        opt.step()
    start = time.perf_counter()
    opt.step()
    one = max(time.perf_counter() - start, 1e-7)
    steps = max(1, int(seconds / one))
    best = float("inf")
    for _ in range(repeats):
        if fastest:
            for _ in range(steps):
                start = time.perf_counter()
                opt.step()
                best = min(best, time.perf_counter() - start)
            continue
        start = time.perf_counter()
        for _ in range(steps):
            opt.step()
        best = min(best, (time.perf_counter() - start) / steps)
    if not torch.isfinite(theta).all():
        raise RuntimeError(f"{rule} at {n} produced non-finite parameters")
    return best


def optc_default_times(path, fastest=False):
    """{(rule, n): (microseconds, threads)}: the kernel a trainer runs by default, at its best thread count; its mean
    time per call, or with fastest its fastest sampled call. From UpdateBenchmark's JMH JSON, or from PairedUpdates'
    --json (the median over its rounds)."""
    with open(path) as f:
        runs = json.load(f)
    if runs and "default_us" in runs[0]:
        # PairedUpdates' rows: the median time per call of the default kernel, or its best of means.
        if fastest:
            sys.exit("optimizers.py: --fastest needs a JMH result of -bm sample, not PairedUpdates' medians")
        best = {}
        for row in runs:
            key = (row["rule"], int(row["parameters"]))
            # With --best-of-means, PairedUpdates timed the kernel as this script times PyTorch: take that figure.
            micros = float(row.get("default_best_of_means_us", row["default_us"]))
            if key not in best or micros < best[key][0]:
                best[key] = (micros, int(row["threads"]))
        return best
    scale = {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}
    best = {}
    for run in runs:
        if not run["benchmark"].startswith("dev.optc.bench.UpdateBenchmark."):
            continue
        p = run["params"]
        if p["variant"] != "default":
            continue
        metric = run["primaryMetric"]
        if fastest and run.get("mode") != "sample":
            sys.exit("optimizers.py: --fastest needs a JMH result of -bm sample (single calls), not " + str(run.get("mode")))
        value = metric["scorePercentiles"]["0.0"] if fastest else metric["score"]
        score = float(value) * scale[metric["scoreUnit"]]
        key = (p["rule"], int(p["parameters"]))
        if key not in best or score < best[key][0]:
            best[key] = (score, int(p["threads"]))
    return best


def main(argv):
    quick = "--quick" in argv
    fastest = "--fastest" in argv
    args = [a for a in argv if a not in ("--quick", "--fastest")]
    sizes, rules, jmh = list(SIZES), list(RULES), None
    while args:
        a = args.pop(0)
        if a == "--sizes":
            sizes = args.pop(0).split(",")
        elif a == "--rules":
            rules = args.pop(0).split(",")
        elif a.endswith(".json"):
            jmh = a
        else:
            sys.exit(f"optimizers.py: unknown argument {a}")
    seconds, repeats = (0.15, 3) if quick else (0.5, 5)
    optc = optc_default_times(jmh, fastest) if jmh else {}

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s) by default; "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, "
          f"MALLOC_MMAP_MAX_={os.environ.get('MALLOC_MMAP_MAX_', 'unset')}, "
          f"MALLOC_TRIM_THRESHOLD_={os.environ.get('MALLOC_TRIM_THRESHOLD_', 'unset')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', 'unset')}")
    if fastest:
        print(f"each figure: the fastest single step of {repeats} × ~{seconds} s of steps (optc: the fastest sampled "
              f"call); µs per step\n")
    else:
        print(f"each figure: best of {repeats} means over ~{seconds} s of steps; µs per step\n")
    header = "| rule | params | foreach=True, 1 thr | foreach=True, 2 thr | foreach=False, 1 thr | foreach=False, 2 thr " \
             "| PyTorch best (config) | optc default (threads) | PyTorch best / optc |"
    print(header)
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for rule in rules:
        for size in sizes:
            n = SIZES[size]
            figures = {}
            for foreach in (True, False):
                for threads in (1, 2):
                    torch.set_num_threads(threads)
                    figures[(foreach, threads)] = time_per_step(rule, n, foreach, seconds, repeats, fastest) * 1e6
            (best_foreach, best_threads), best = min(figures.items(), key=lambda kv: kv[1])
            cells = " | ".join(micros(figures[(f, t)]) for f in (True, False) for t in (1, 2))
            if (rule, n) in optc:
                optc_micros, threads = optc[(rule, n)]
                mine, ratio = f"{micros(optc_micros)} ({threads} thr)", f"{best / optc_micros:.2f}"
            else:
                mine, ratio = "–", "–"
            print(f"| {rule} | {size} | {cells} | {micros(best)} (foreach={best_foreach}, {best_threads} thr) | {mine} | {ratio} |",
                  flush=True)
    if jmh is None:
        print("\n(no JMH JSON given: pass UpdateBenchmark's result to print optc's figures and the ratio)")


if __name__ == "__main__":
    main(sys.argv[1:])
