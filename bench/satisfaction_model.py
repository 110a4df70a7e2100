"""Quality and speed of the default satisfaction pipeline on the USS dialogues (MWOZ and SGD).

    python bench/satisfaction_model.py                       # ../shared/data/uss, both corpora
    python bench/satisfaction_model.py --data-dir DIR --corpus MWOZ
    python bench/satisfaction_model.py --holdout 0.2         # as `rapport model train` does by default

For each corpus: trains the default pipeline on <corpus>.train.txt at turn level (timed), evaluates
it on <corpus>.test.txt at turn level (UAR, macro F1, kappa, accuracy) and measures scoring speed in
one process: whole test conversations per second through `SatisfactionModel.predict` (label,
probabilities and explanation each), and through `ModelServer.score` (the conversation plus a
verdict for every customer turn, what conversationRecord and a rescore store).

The data is third-party and read by path; models trained here go to a temporary directory and are
deleted, never into models/. The same run from the command line:

    rapport model train --data DIR/MWOZ.train.txt --format uss --level turn --holdout 0 --models-dir /tmp/m
    rapport model evaluate --model /tmp/m/<version> --data DIR/MWOZ.test.txt --format uss --level turn --json
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml import datasets, metrics  # noqa: E402
from ml import train as training  # noqa: E402
from ml.serving import ModelServer  # noqa: E402

TARGETS = {"MWOZ": 0.58, "SGD": 0.66}
SPEED_TARGET = 2000  # conversations per second
TRAIN_TARGET = 120.0  # seconds, MWOZ train


def throughput(run, conversations, minimum: int = 5000) -> float:
    """Conversations per second over at least `minimum` conversations (the test set repeated)."""
    repeats = max(1, -(-minimum // len(conversations)))
    batch = list(conversations) * repeats
    run(batch[:100])  # warm caches
    started = time.perf_counter()
    for start in range(0, len(batch), 1000):
        run(batch[start : start + 1000])
    return len(batch) / (time.perf_counter() - started)


def bench(corpus: str, data_dir: Path, holdout: float) -> dict[str, float]:
    train_data = datasets.load(data_dir / f"{corpus}.train.txt", fmt="uss", level="turn")
    test_data = datasets.load(data_dir / f"{corpus}.test.txt", fmt="uss", level="turn")
    whole = datasets.load(data_dir / f"{corpus}.test.txt", fmt="uss", level="conversation")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = training.train(train_data, models_dir=Path(tmp), version=f"bench-{corpus.lower()}", holdout=holdout)
        train_seconds = time.perf_counter() - started
        model = result.model
        predictions = model.predict([e.turns for e in test_data.examples])
        figures = metrics.summary(test_data.labels, [p.label for p in predictions])
        conversations = [e.turns for e in whole.examples]
        predict_speed = throughput(model.predict, conversations)
        score_speed = throughput(lambda batch: ModelServer.score(model, batch), conversations)
    return {
        "train_examples": len(train_data.examples) - result.manifest["training_data"]["heldout_examples"],
        "test_examples": figures["n"],
        "train_seconds": train_seconds,
        "uar": figures["uar"],
        "macro_f1": figures["macro_f1"],
        "kappa": figures["kappa"],
        "accuracy": figures["accuracy"],
        "predict_per_second": predict_speed,
        "score_per_second": score_speed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "uss")
    parser.add_argument("--corpus", choices=sorted(TARGETS), action="append")
    parser.add_argument("--holdout", type=float, default=0.0, help="Held out of the train split (default 0: all of it).")
    args = parser.parse_args()
    corpora = args.corpus or sorted(TARGETS)
    if not all((args.data_dir / f"{c}.train.txt").is_file() for c in corpora):
        sys.exit(f"USS data not found in {args.data_dir}; pass --data-dir")
    print(f"turn level, trained on <corpus>.train (holdout {args.holdout}), evaluated on <corpus>.test")
    header = f"{'corpus':<6} {'train ex':>8} {'test ex':>7} {'train s':>7} {'UAR':>6} {'target':>6} {'F1':>6} {'kappa':>6} {'acc':>6} {'predict/s':>9} {'score/s':>8}"
    print(header)
    for corpus in corpora:
        r = bench(corpus, args.data_dir, args.holdout)
        ok = "ok" if r["uar"] >= TARGETS[corpus] else "BELOW"
        print(
            f"{corpus:<6} {r['train_examples']:>8} {r['test_examples']:>7} {r['train_seconds']:>7.1f} {r['uar']:>6.3f}"
            f" {TARGETS[corpus]:>6.2f} {r['macro_f1']:>6.3f} {r['kappa']:>6.3f} {r['accuracy']:>6.3f}"
            f" {r['predict_per_second']:>9.0f} {r['score_per_second']:>8.0f}  {ok}",
            flush=True,
        )
    print(f"targets: UAR as listed; >= {SPEED_TARGET} conversations/s (predict); MWOZ training < {TRAIN_TARGET:.0f} s")


if __name__ == "__main__":
    main()
