#!/usr/bin/env python3
"""samples/fashion_mlp.opt trained by PyTorch and by optc, side by side: seconds per epoch and test accuracy.

usage: fashion.py [--epochs N] [--threads 1,2] [--optc-jar JAR] [--java JAVA] [--data DIR] [--skip-optc]

The same network and recipe as the sample: 784 -> dense 256 (no bias) -> BatchNorm1d -> relu -> dense 128 (no bias)
-> BatchNorm1d -> relu -> dense 10; Glorot-uniform weights, zero biases; softmax cross-entropy; Adam(lr 1e-3) with the
learning rate on a cosine from 1e-3 to 1e-5 over 15 epochs, set before every step; batches of 128 from 55,000
training rows (5,000 held out for validation), reshuffled every epoch, the last batch short (430 steps).

Both sides' epoch time is what optc's trainer prints on its epoch line: the training steps plus the evaluation of
the 5,000 validation rows, nothing else (not the JVM start, the compilation, or the data loading). The data are
loaded once and kept as float32 tensors; a batch is gathered by indexing with the epoch's permutation. Each
configuration reports the median epoch after the first (the first includes PyTorch's and the JIT's warm-up) and
the test accuracy after the last epoch. Run it through run-fashion.sh, which sets the environment of PyTorch's best
configuration on this machine.
"""
import argparse
import gzip
import math
import os
import re
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"fashion.py: PyTorch cannot be imported by {sys.executable} ({e}).")
    print("fashion.py: install Debian's python3-torch (apt-get install -y python3-torch) to run the comparison;"
          " nothing was measured.")
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory):
    def images(split):
        return torch.from_numpy(idx(f"{directory}/{split}-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)

    def labels(split):
        return torch.from_numpy(idx(f"{directory}/{split}-labels-idx1-ubyte.gz").astype(np.int64))

    x, y = images("train"), labels("train")
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(42))
    val, train = order[:5000], order[5000:]
    return x[train], y[train], x[val], y[val], images("t10k"), labels("t10k")


def model():
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 256, bias=False), torch.nn.BatchNorm1d(256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128, bias=False), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)
    return net


@torch.no_grad()
def accuracy(net, x, y):
    net.eval()
    correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    net.train()
    return correct / len(x)


def train_torch(data, threads, epochs):
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    xt, yt, xv, yv, xs, ys = data
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n, batch = len(xt), 128
    steps_per_epoch = math.ceil(n / batch)
    span = 15 * steps_per_epoch
    step = 0
    times = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for b in range(steps_per_epoch):
            lr = 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + math.cos(math.pi * min(step, span) / span))
            for g in opt.param_groups:
                g["lr"] = lr
            rows = order[b * batch:(b + 1) * batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xt[rows]), yt[rows]).backward()
            opt.step()
            step += 1
        accuracy(net, xv, yv)  # optc's epoch line includes the validation pass
        times.append(time.perf_counter() - start)
    return times, accuracy(net, xs, ys)


EPOCH = re.compile(r"^epoch \d+/\d+ .* ([0-9.]+)s$")
TEST = re.compile(r"^test accuracy ([0-9.]+)")


def transparent_huge_pages():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            mode = f.read()
    except OSError:
        return False
    return "[always]" in mode or "[madvise]" in mode


def train_optc(java, jar, threads, epochs, data_dir):
    # The JVM options of the optc launcher: huge pages where the kernel offers them (the collector is G1, the default).
    huge = ["-XX:+UseTransparentHugePages"] if transparent_huge_pages() else []
    command = [java, "--add-modules", "jdk.incubator.vector", *huge, f"-Doptc.threads={threads}",
               "-jar", jar, "train", "--epochs", str(epochs), "--out", f"/tmp/optc-fashion-peer-{os.getpid()}",
               os.path.join(ROOT, "samples", "fashion_mlp.opt")]
    if data_dir:
        command[-1:-1] = ["--data", data_dir]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    times = [float(m.group(1)) for m in map(EPOCH.match, out.splitlines()) if m]
    acc = [float(m.group(1)) for m in map(TEST.match, out.splitlines()) if m]
    return times, acc[0] if acc else float("nan")


def summary(times):
    later = times[1:] or times
    return statistics.median(later), min(later), times[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--optc-jar", default=os.path.join(ROOT, "compiler", "target", "optc-compiler-0.1.0-SNAPSHOT-cli.jar"))
    parser.add_argument("--java", default=os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"))
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--skip-optc", action="store_true")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    env = {k: os.environ.get(k, "(unset)") for k in
           ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")}
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
    print("BLAS loaded by PyTorch: " + (", ".join(blas) or "none found")
          + (" (Debian's reference BLAS: install libopenblas0-pthread, or see OPTC_PEER_BLAS in the wrapper)"
             if any("/blas/" in b for b in blas) else ""))
    print(f"PyTorch {torch.__version__}, {args.epochs} epochs; environment: "
          + " ".join(f"{k}={v}" for k, v in env.items()))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    data = load(args.data)
    rows = []
    for t in threads:
        times, acc = train_torch(data, t, args.epochs)
        rows.append(("PyTorch", t, times, acc))
        print(f"PyTorch {t} thread(s): median {summary(times)[0]:.3f} s/epoch, test accuracy {acc:.4f}", flush=True)
    if not args.skip_optc:
        if not os.path.exists(args.optc_jar):
            print(f"fashion.py: {args.optc_jar} is missing; build it with "
                  "`mvn -q -pl compiler -am package -DskipTests` (or pass --skip-optc).")
            sys.exit(1)
        for t in threads:
            times, acc = train_optc(args.java, args.optc_jar, t, args.epochs, args.data)
            rows.append(("optc", t, times, acc))
            print(f"optc {t} thread(s): median {summary(times)[0]:.3f} s/epoch, test accuracy {acc:.4f}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    print("| system | threads | median s/epoch (epochs 2..) | fastest epoch | first epoch | test accuracy |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, t, times, acc in rows:
        median, fastest, first = summary(times)
        print(f"| {name} | {t} | {median:.3f} | {fastest:.3f} | {first:.3f} | {acc:.4f} |")
    best = {}
    for name, t, times, acc in rows:
        if name not in best or summary(times)[0] < summary(best[name][1])[0]:
            best[name] = (t, times, acc)
    if "optc" in best:
        tp, torch_times, torch_acc = best["PyTorch"]
        to, optc_times, optc_acc = best["optc"]
        ratio = summary(torch_times)[0] / summary(optc_times)[0]
        print()
        print(f"best of each: PyTorch {summary(torch_times)[0]:.3f} s/epoch ({tp} thread(s)), accuracy {torch_acc:.4f}; "
              f"optc {summary(optc_times)[0]:.3f} s/epoch ({to} thread(s)), accuracy {optc_acc:.4f}; "
              f"PyTorch/optc time ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
