#!/usr/bin/env bash
# PyTorch's torch.mm and BatchNorm1d next to optc's GEMM and batch-norm kernels, in one run; see BENCHMARKS.md.
# usage: bench/peers/run-kernels.sh [seconds per case]
# Needs bench/target/benchmarks.jar (mvn -q -pl bench -am package -DskipTests) and a JDK 21+ in $JAVA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
seconds="${1:-1}"

echo "## optc (JDK: $java)"
"$java" --add-modules jdk.incubator.vector -cp "$root/bench/target/benchmarks.jar" dev.optc.bench.BatchNormBenchmark "$seconds" 2>&1 | grep -v '^WARNING: Using incubator'
"$java" --add-modules jdk.incubator.vector -cp "$root/bench/target/benchmarks.jar" dev.optc.bench.GemmBenchmark "$seconds" 2>&1 | grep -v '^WARNING: Using incubator'

echo
echo "## PyTorch (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 OMP_WAIT_POLICY=PASSIVE)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "run-kernels.sh: /usr/bin/python3 cannot import torch; install python3-torch for the PyTorch side."
  exit 0
fi
(
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  # OPTC_PEER_BLAS: a folder holding OpenBLAS's libblas.so.3, for a machine whose libblas.so.3 is Debian's
  # reference BLAS (PyTorch's matrix products are then ~30x slower): for instance the openblas-pthread folder of
  # libopenblas0-pthread unpacked with `apt-get download` and `dpkg -x`, without installing it system-wide.
  if [ -n "${OPTC_PEER_BLAS:-}" ]; then export LD_LIBRARY_PATH="$OPTC_PEER_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 OMP_WAIT_POLICY=PASSIVE \
    exec /usr/bin/python3 "$here/kernels.py" --seconds "$seconds"
)
