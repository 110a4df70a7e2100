import argparse
import sys
from pathlib import Path

from ml.corpus_builder import CORPUS_DIR, files

parser = argparse.ArgumentParser(prog="python -m ml.corpus_builder", description="Write the generated part of ml/corpus.")
parser.add_argument("--out", type=Path, default=CORPUS_DIR)
parser.add_argument("--check", action="store_true", help="Only compare with the files in --out; exit 1 if they differ.")
args = parser.parse_args()
stale = []
for name, content in files().items():
    path = args.out / name
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
    else:
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path} ({content.count(chr(10))} conversations)")
if stale:
    sys.exit(f"out of date: {', '.join(stale)}; run `python -m ml.corpus_builder`")
