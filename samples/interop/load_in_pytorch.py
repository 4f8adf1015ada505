#!/usr/bin/env python3
"""optc checkpoints in PyTorch and back, on the digits data.

1. optc compiles a recipe into a trainer jar and trains it; its final.safetensors is read here by hand (the
   safetensors format: 8-byte little-endian header length, JSON header, raw little-endian tensors; no `safetensors`
   package needed) and loaded into the matching torch.nn module with load_state_dict(strict=True). PyTorch's
   predictions on every row of digits.csv are compared with those of `java -jar trainer.jar predict`.
2. A model of the same shape trained in PyTorch is written as safetensors (state_dict, num_batches_tracked as int64
   included) and optc evaluates it: `trainer.jar eval --weights` and `predict`, compared with PyTorch's on the rows
   PyTorch held out.

    python3 samples/interop/load_in_pytorch.py                       # samples/digits.opt (an MLP)
    python3 samples/interop/load_in_pytorch.py --recipe batchnorm    # samples/networks/batchnorm.opt (batch norm)

Needs torch and numpy, and a JDK 21+ (found through $JAVA_HOME or /usr/lib/jvm). `--optc` says how to run optc (default:
the repository's ./optc launcher). Exits 0 when both directions agree; prints the figures either way.
"""
import argparse
import glob
import json
import os
import re
import shlex
import struct
import subprocess
import sys

import numpy as np

try:
    import torch
    from torch import nn
except ImportError:
    print("load_in_pytorch: PyTorch is not installed here (python3 -c 'import torch' fails); nothing to check.")
    sys.exit(0)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "samples", "data", "digits.csv")

# ---- the safetensors format, by hand ----

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "F16": np.dtype("<f2"), "I64": np.dtype("<i8")}


def read_safetensors(path):
    """Every tensor of a safetensors file as a torch tensor, and the header's metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        dtype = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=start + begin)
        tensors[name] = torch.from_numpy(values.reshape(entry["shape"]).astype(dtype.newbyteorder("=")))
    return tensors, metadata


def write_safetensors(path, state, metadata):
    """A state_dict as safetensors: int64 tensors first (8-byte aligned, as optc writes them), then float32."""
    names = sorted(state, key=lambda n: state[n].dtype != torch.int64)
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name in names:
        array = state[name].detach().cpu().contiguous().numpy()
        kind = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[array.dtype]
        blob = array.astype(DTYPES[kind]).tobytes()
        header[name] = {"dtype": kind, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# ---- the torch.nn twins of the recipes' models (PyTorch's names: h1.weight is [out, in]) ----

class DigitsMlp(nn.Module):
    """samples/digits.opt: h1 = relu(dense(x, 128)); h2 = relu(dense(h1, 64)); return dense(h2, 10)."""

    def __init__(self):
        super().__init__()
        self.h1, self.h2, self.out = nn.Linear(64, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.out(torch.relu(self.h2(torch.relu(self.h1(x)))))


class BnMlp(nn.Module):
    """samples/networks/batchnorm.opt: dense layers without bias, each followed by BatchNorm1d, then relu."""

    def __init__(self):
        super().__init__()
        self.h1, self.h1_bn = nn.Linear(64, 128, bias=False), nn.BatchNorm1d(128, eps=1e-5, momentum=0.1)
        self.h2, self.h2_bn = nn.Linear(128, 64, bias=False), nn.BatchNorm1d(64, eps=1e-5, momentum=0.1)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        h1 = torch.relu(self.h1_bn(self.h1(x)))
        return self.out(torch.relu(self.h2_bn(self.h2(h1))))


RECIPES = {"digits": ("samples/digits.opt", DigitsMlp), "batchnorm": ("samples/networks/batchnorm.opt", BnMlp)}

# ---- running optc ----


def find_java():
    candidates = [os.path.join(os.environ["JAVA_HOME"], "bin", "java")] if os.environ.get("JAVA_HOME") else []
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True) + ["java"]
    for java in candidates:
        try:
            out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
        except OSError:
            continue
        version = re.search(r"java\.specification\.version = (\d+)", out)
        if version and int(version.group(1)) >= 21:
            return java
    sys.exit("load_in_pytorch: needs a JDK 21 or newer (set JAVA_HOME)")


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit("load_in_pytorch: %s failed:\n%s%s" % (" ".join(command), result.stdout, result.stderr))
    return result.stdout


def predictions(output):
    return np.array([[float(v) for v in line.split(",")] for line in output.strip().splitlines()], dtype=np.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="digits")
    parser.add_argument("--optc", default=os.path.join(ROOT, "optc"), help="how to run optc (a command line)")
    parser.add_argument("--work", default=os.path.join(ROOT, "runs", "interop"), help="where jars and checkpoints go")
    parser.add_argument("--torch-epochs", type=int, default=20)
    args = parser.parse_args()

    recipe_file, model_type = RECIPES[args.recipe]
    work = os.path.abspath(os.path.join(args.work, args.recipe))
    os.makedirs(work, exist_ok=True)
    java = find_java()
    jar = os.path.join(work, "trainer.jar")
    run(shlex.split(args.optc) + ["compile", os.path.join(ROOT, recipe_file), "-o", jar])
    trainer = [java, "--add-modules", "jdk.incubator.vector", "-jar", jar]

    table = np.loadtxt(DATA, delimiter=",", skiprows=1, dtype=np.float32)
    x, labels = torch.from_numpy(table[:, :-1] / 16.0), torch.from_numpy(table[:, -1].astype(np.int64))

    # ---- optc -> PyTorch ----
    trained = run(trainer + ["train", "--data", DATA, "--out", os.path.join(work, "optc")])
    optc_validation = float(re.search(r"final validation accuracy (\d\.\d+)", trained).group(1))
    checkpoint = os.path.join(work, "optc", "final.safetensors")
    state, metadata = read_safetensors(checkpoint)
    model = model_type()
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        torch_probabilities = torch.softmax(model(x), dim=1).double().numpy()
    optc_probabilities = predictions(run(trainer + ["predict", "--weights", checkpoint, "--input", DATA]))
    torch_accuracy = float((torch_probabilities.argmax(1) == labels.numpy()).mean())
    optc_accuracy = float((optc_probabilities.argmax(1) == labels.numpy()).mean())
    gap = float(np.abs(torch_probabilities - optc_probabilities).max())
    print("optc -> PyTorch (%s, %s): load_state_dict(strict=True) took %d tensors (step %s)"
          % (args.recipe, recipe_file, len(state), metadata.get("optc.step")))
    tracked = sorted({int(t) for n, t in state.items() if n.endswith(".num_batches_tracked")})
    if tracked:
        print("  num_batches_tracked (int64) %s" % tracked)
    print("  optc validation accuracy %.4f (its 20%% split)" % optc_validation)
    print("  all %d rows: accuracy PyTorch %.4f, optc %.4f; largest probability difference %.2e"
          % (len(labels), torch_accuracy, optc_accuracy, gap))

    # ---- PyTorch -> optc ----
    torch.manual_seed(0)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(1))
    held_out, train_rows = order[:360], order[360:]
    net = model_type()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(args.torch_epochs):
        net.train()
        for batch in train_rows[torch.randperm(len(train_rows))].split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(x[batch]), labels[batch]).backward()
            optimizer.step()
    net.eval()
    with torch.no_grad():
        torch_held_out = torch.softmax(net(x[held_out]), dim=1).double().numpy()
    exported = os.path.join(work, "from_pytorch.safetensors")
    write_safetensors(exported, net.state_dict(), {"format": "pt", "written_by": "load_in_pytorch.py"})
    evaluated = run(trainer + ["eval", "--weights", exported, "--data", DATA])
    optc_eval = float(re.search(r"final validation accuracy (\d\.\d+)", evaluated).group(1))
    optc_all = predictions(run(trainer + ["predict", "--weights", exported, "--input", DATA]))
    optc_held_out = optc_all[held_out.numpy()]
    held_labels = labels[held_out].numpy()
    back_torch = float((torch_held_out.argmax(1) == held_labels).mean())
    back_optc = float((optc_held_out.argmax(1) == held_labels).mean())
    back_gap = float(np.abs(torch_held_out - optc_held_out).max())
    print("PyTorch -> optc: %d epochs of SGD in PyTorch, written to %s" % (args.torch_epochs, exported))
    print("  optc eval --weights: validation accuracy %.4f (optc's split)" % optc_eval)
    print("  PyTorch's %d held-out rows: accuracy PyTorch %.4f, optc %.4f; largest probability difference %.2e"
          % (len(held_labels), back_torch, back_optc, back_gap))

    agree = gap < 1e-4 and back_gap < 1e-4 and torch_accuracy == optc_accuracy and back_torch == back_optc
    print("both directions agree" if agree else "MISMATCH between optc and PyTorch")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
