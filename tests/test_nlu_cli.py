"""python -m fastmodels: predict round trip, eval, and a quick retrain from scratch in a temp dir."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "fastmodels", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, check=True)


def test_predict_round_trip_on_json_lines():
    lines = [{"text": "我的订单W2378156到哪了", "id": 1}, {"text": "I want to speak to a human"}]
    out = run("predict", stdin="".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines)).stdout
    rows = [json.loads(l) for l in out.splitlines()]
    assert [r["text"] for r in rows] == [l["text"] for l in lines]
    assert rows[0]["intent"] == "order_status" and rows[0]["slots"]["order_id"] == "#W2378156"
    assert rows[1]["intent"] == "human_agent" and rows[1]["language"] == "en"


def test_predict_reads_a_file(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text('{"text": "包邮吗"}\n', encoding="utf-8")
    [row] = [json.loads(l) for l in run("predict", str(f)).stdout.splitlines()]
    assert row["intent"] == "shipping_policy" and 0 <= row["confidence"] <= 1


def test_eval_reports_the_goal_metrics():
    rows = [json.loads(l) for l in run("eval").stdout.splitlines()]
    assert {Path(r["file"]).name for r in rows} == {"test.jsonl", "heldout.jsonl"}
    assert all({"accuracy", "macro_f1", "order_id_f1"} <= set(r) for r in rows)


def test_quick_retrain_from_scratch_runs_end_to_end(tmp_path):
    out = tmp_path / "model"
    run("train", "--quick", "--out", str(out), timeout=900)
    assert {"student.int8.onnx", "student.fp32.onnx", "vocab.json", "meta.json", "teacher_head.npz"} <= \
        {p.name for p in out.iterdir()}
    meta = json.loads((out / "meta.json").read_text())
    assert meta["parameters"] <= 6e6 and meta["temperature"] > 0 and meta["swapped_copies"] > 0
    rows = [json.loads(l) for l in run("predict", "--model", str(out), stdin='{"text": "退款到哪了"}\n').stdout.splitlines()]
    assert rows[0]["intent"] in json.loads((out / "meta.json").read_text())["intents"]
