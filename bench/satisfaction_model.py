"""Quality and speed of the default satisfaction pipeline on the USS dialogues (MWOZ and SGD).

    python bench/satisfaction_model.py                       # ../shared/data/uss, both corpora
    python bench/satisfaction_model.py --data-dir DIR --corpus MWOZ --rounds 7

For each corpus: trains the default pipeline on <corpus>.train.txt at turn level (timed) and
evaluates it on <corpus>.test.txt at turn level: UAR with its 95% bootstrap interval over
conversations, macro F1, kappa, accuracy. Then scoring speed on one core (the process is pinned to
one CPU and BLAS to one thread), in whole test conversations per second, two ways:

- predict: a whole-conversation verdict (label, probabilities, explanation), `SatisfactionModel.predict`;
- score: the conversation plus a verdict for every customer turn (what conversationRecord and a
  rescore store), `ModelServer.score`.

Each is measured against a baseline in the same run, rounds interleaved (baseline, fast, baseline,
fast, ...), and the medians printed side by side: the baseline is the same fitted model scored the
plain scikit-learn way (`ml.reference_scoring`: every prefix through the pipeline, explanations
row by row, the whole conversation judged apart), which is how the first model scored. Both sides'
verdicts on the test conversations are compared first: the speed-up counts only if they agree.

The data is third-party and read by path; models trained here go to a temporary directory and are
deleted, never into models/. The same quality figures from the command line:

    rapport model train --data DIR/MWOZ.train.txt --format uss --level turn --holdout 0 --models-dir /tmp/m
    rapport model evaluate --model /tmp/m/<version> --data DIR/MWOZ.test.txt --format uss --level turn --json
"""

import os

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_threads] = "1"  # before numpy loads: one core means one BLAS thread too

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml import datasets, reference_scoring  # noqa: E402
from ml import train as training  # noqa: E402
from ml.report import report  # noqa: E402
from ml.serving import ModelServer  # noqa: E402

TARGETS = {"MWOZ": 0.66, "SGD": 0.72}  # turn-level UAR
SPEED_TARGETS = {"predict": 10_000, "score": 2_000}  # conversations per second, one core
BATCH = 1000
ROUND_SECONDS = 1.5


def one_core(cpu: int | None) -> int:
    cpu = max(os.sched_getaffinity(0)) if cpu is None else cpu
    os.sched_setaffinity(0, {cpu})
    return cpu


def rate(run: Callable[[Sequence], object], conversations: list, seconds: float = ROUND_SECONDS) -> float:
    """Conversations per second over batches of BATCH, for at least `seconds`."""
    done, started, position = 0, time.perf_counter(), 0
    while True:
        batch = [conversations[(position + i) % len(conversations)] for i in range(BATCH)]
        position += BATCH
        run(batch)
        done += len(batch)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed


def interleaved(sides: dict[str, Callable[[Sequence], object]], conversations: list, rounds: int) -> dict[str, float]:
    """Median conversations/s of each side over `rounds` rounds, the sides taking turns."""
    for run in sides.values():
        run(conversations[:100])  # warm caches
    rates: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            rates[name].append(rate(run, conversations))
    return {name: statistics.median(values) for name, values in rates.items()}


def same_verdicts(model, conversations: list) -> bool:  # type: ignore[no-untyped-def]
    fast = ModelServer.score(model, conversations)
    slow = reference_scoring.predict_turns(model, conversations)
    return [None if f is None else (f.conversation, f.turns) for f in fast] == slow and \
        model.predict(conversations) == reference_scoring.predict(model, conversations)


def bench(corpus: str, data_dir: Path, holdout: float, rounds: int) -> dict[str, object]:
    train_data = datasets.load(data_dir / f"{corpus}.train.txt", fmt="uss", level="turn")
    test_data = datasets.load(data_dir / f"{corpus}.test.txt", fmt="uss", level="turn")
    whole = datasets.load(data_dir / f"{corpus}.test.txt", fmt="uss", level="conversation")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = training.train(train_data, models_dir=Path(tmp), version=f"bench-{corpus.lower()}", holdout=holdout)
        train_seconds = time.perf_counter() - started
    model = result.model
    figures = report(test_data.examples, [p.label for p in model.predict([e.turns for e in test_data.examples])])
    conversations = [e.turns for e in whole.examples]
    agree = same_verdicts(model, conversations)
    speeds = interleaved(
        {
            "predict baseline": lambda batch: reference_scoring.predict(model, batch),
            "predict": model.predict,
            "score baseline": lambda batch: reference_scoring.predict_turns(model, batch),
            "score": lambda batch: ModelServer.score(model, batch),
        },
        conversations,
        rounds,
    )
    customer_turns = sum(1 for c in conversations for t in c if t.role == "CUSTOMER") / len(conversations)
    return {"figures": figures, "train_seconds": train_seconds, "agree": agree, "speeds": speeds,
            "train_examples": len(train_data.examples) - result.manifest["training_data"]["heldout_examples"],
            "conversations": len(conversations), "customer_turns": customer_turns}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "uss")
    parser.add_argument("--corpus", choices=sorted(TARGETS), action="append")
    parser.add_argument("--holdout", type=float, default=0.0, help="Held out of the train split (default 0: all of it).")
    parser.add_argument("--rounds", type=int, default=5, help="Interleaved speed rounds per side (median reported).")
    parser.add_argument("--cpu", type=int, help="The one CPU to run on (default: the highest numbered one this process may use).")
    args = parser.parse_args()
    corpora = args.corpus or sorted(TARGETS)
    if not all((args.data_dir / f"{c}.train.txt").is_file() for c in corpora):
        sys.exit(f"USS data not found in {args.data_dir}; pass --data-dir")
    cpu = one_core(args.cpu)
    print(f"turn level, trained on <corpus>.train (holdout {args.holdout}), evaluated on <corpus>.test; scoring on CPU {cpu} only,"
          f" {args.rounds} interleaved rounds of >= {ROUND_SECONDS} s per side, batches of {BATCH}")
    print(f"{'corpus':<6} {'train ex':>8} {'test ex':>7} {'train s':>7} {'UAR':>6} {'95% CI':>13} {'target':>6} {'F1':>6}"
          f" {'kappa':>6} {'acc':>6}")
    results = {}
    for corpus in corpora:
        r = results[corpus] = bench(corpus, args.data_dir, args.holdout, args.rounds)
        f = r["figures"]
        low, high = f["uar_ci95"]
        ok = "ok" if f["uar"] >= TARGETS[corpus] else "BELOW"
        print(f"{corpus:<6} {r['train_examples']:>8} {f['n']:>7} {r['train_seconds']:>7.1f} {f['uar']:>6.3f} {low:>6.3f}-{high:<6.3f}"
              f" {TARGETS[corpus]:>6.2f} {f['macro_f1']:>6.3f} {f['kappa']:>6.3f} {f['accuracy']:>6.3f}  {ok}", flush=True)
    print()
    print("scoring speed, whole test conversations per second (median of the rounds), this code vs the scikit-learn baseline:")
    print(f"{'corpus':<6} {'conv':>5} {'cust/conv':>9} {'same verdicts':>13} {'predict':>9} {'baseline':>9} {'x':>5}"
          f" {'score':>9} {'baseline':>9} {'x':>5}")
    for corpus, r in results.items():
        s = r["speeds"]
        print(f"{corpus:<6} {r['conversations']:>5} {r['customer_turns']:>9.1f} {'yes' if r['agree'] else 'NO':>13}"
              f" {s['predict']:>9.0f} {s['predict baseline']:>9.0f} {s['predict'] / s['predict baseline']:>5.1f}"
              f" {s['score']:>9.0f} {s['score baseline']:>9.0f} {s['score'] / s['score baseline']:>5.1f}")
    print(f"targets: UAR as listed; >= {SPEED_TARGETS['predict']:,} conversations/s predict and >= {SPEED_TARGETS['score']:,} score (MWOZ)")


if __name__ == "__main__":
    main()
