#!/usr/bin/env bash
# samples/fashion_mlp.opt in PyTorch and in optc, epoch times and test accuracies side by side; see BENCHMARKS.md.
# usage: bench/peers/run-fashion.sh [--epochs N] [--threads 1,2] [--skip-optc]
# Needs the CLI jar (mvn -q -pl compiler -am package -DskipTests). Exits 0, saying so, when /usr/bin/python3 cannot
# import torch (Debian: apt-get install -y python3-torch).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "run-fashion.sh: /usr/bin/python3 cannot import torch, so there is no PyTorch figure to take."
  echo "run-fashion.sh: install Debian's python3-torch (apt-get install -y python3-torch) and run this again."
  exit 0
fi

# PyTorch's best configuration here, for this one command (a subshell): OpenBLAS picks its own kernels (the
# environment pins it to AVX2, half its GEMM speed on this machine); glibc keeps freed memory instead of unmapping it
# on every call; idle OpenMP threads sleep instead of spinning on the other core. optc runs in the same environment.
(
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  # OPTC_PEER_BLAS: a folder holding OpenBLAS's libblas.so.3, for a machine whose libblas.so.3 is Debian's
  # reference BLAS (PyTorch's matrix products are then ~30x slower): for instance the openblas-pthread folder of
  # libopenblas0-pthread unpacked with `apt-get download` and `dpkg -x`, without installing it system-wide.
  if [ -n "${OPTC_PEER_BLAS:-}" ]; then export LD_LIBRARY_PATH="$OPTC_PEER_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 OMP_WAIT_POLICY=PASSIVE \
    exec /usr/bin/python3 "$here/fashion.py" "$@"
)
