"""python -m fastmodels: predict round trip, eval, and the weekly retrain with its gate on a small subset."""
import json
import subprocess
import sys
from pathlib import Path

from fastmodels.gate import MODEL_FILES
from fastmodels.training import MODEL_DIR

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None, timeout=600, check=True):
    return subprocess.run([sys.executable, "-m", "fastmodels", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, check=check)


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


def test_the_weekly_retrain_learns_from_feedback_and_its_gate_refuses_a_worse_model(tmp_path):
    """retrain --with-feedback end to end on a small subset: corrected turns join the data, the candidate
    is scored against the shipped model on the blind set and the conversation suite, and, worse (a few
    hundred messages, 3 epochs), it is refused: the shipped model is left as it was."""
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"request_id": "r_1", "text": "can a jacket I wore once still go back", "corrected_intent": "return_policy"},
        {"request_id": "r_2", "text": "谢谢你们 太贴心了", "corrected_intent": "thanks_bye", "helpful": False},
        {"request_id": "r_3", "text": "thumbs up", "helpful": True}]), encoding="utf-8")
    shipped = {name: (MODEL_DIR / name).read_bytes() for name in MODEL_FILES}
    out = tmp_path / "model"
    result = run("retrain", "--with-feedback", str(feedback), "--quick", "--suite-sample", "12", "--out", str(out),
                 timeout=1500, check=False)
    assert "2 corrected turns from feedback" in result.stdout
    assert result.returncode == 1 and "gate: refused" in result.stdout, result.stdout[-2000:]
    assert "| candidate |" in result.stdout and "| shipped |" in result.stdout
    assert {name: (MODEL_DIR / name).read_bytes() for name in MODEL_FILES} == shipped
    meta = json.loads((out / "meta.json").read_text())
    assert meta["feedback_messages"] == 2 and meta["parameters"] <= 6e6 and meta["swapped_copies"] > 0
    rows = [json.loads(l) for l in run("predict", "--model", str(out), stdin='{"text": "退款到哪了"}\n').stdout.splitlines()]
    assert rows[0]["intent"] in meta["intents"]
