#!/usr/bin/env bash
# Sets up everything (scripts/install.sh) and runs the service on http://127.0.0.1:8000 with the
# local vLLM server behind it. SKIP_LLM=1 runs without the LLM tier (its turns get an honest fallback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ "${SKIP_LLM:-0}" != "1" ]; then
  mkdir -p var
  .venv/bin/python serve.py llm > var/llm.log 2>&1 &
  llm=$!
  trap 'kill $llm 2>/dev/null' EXIT
  echo "run: starting the LLM server (about 45 s; log in var/llm.log)"
fi
.venv/bin/python serve.py "$@"
