#!/usr/bin/env bash
# PyTorch's optimizers on the rules and sizes of UpdateBenchmark, next to optc's figures; see BENCHMARKS.md.
# usage: bench/peers/run-optimizers.sh [JMH-RESULT.json or PairedUpdates --json] [--quick] [--fastest] [--sizes 16K,1M] [--rules sgd,adam]
# Exits 0, saying so, when /usr/bin/python3 cannot import torch (Debian: apt-get install -y python3-torch).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "run-optimizers.sh: /usr/bin/python3 cannot import torch, so there is no PyTorch figure to take."
  echo "run-optimizers.sh: install Debian's python3-torch (apt-get install -y python3-torch) and run this again."
  exit 0
fi

# The environment applies to this one command: a subshell, so the caller's is untouched. OpenBLAS tuning variables
# are removed so the library picks its own kernels; glibc keeps freed memory instead of unmapping it between steps;
# idle OpenMP threads sleep instead of spinning on the second core.
(
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 OMP_WAIT_POLICY=PASSIVE \
    exec /usr/bin/python3 "$here/optimizers.py" "$@"
)
