"""The generated part of the project's corpus (ml/corpus/generated_*.jsonl), composed from phrase
banks written for Rapport in Spanish, Portuguese and English.

    python -m ml.corpus_builder            # rewrite ml/corpus/generated_{es,pt,en}.jsonl
    python -m ml.corpus_builder --check    # exit 1 if the checked-in files differ from what it writes

How the banks were written and how turns are labelled: ml/corpus/README.md.
"""

import json
from pathlib import Path

from ml.corpus_builder import en_domains, en_phrases, es_domains, es_phrases, pt_domains, pt_phrases
from ml.corpus_builder.compose import Writer

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
PER_LANGUAGE = 580
SEED = "rapport-corpus-2"
BANKS = {"es": (es_domains, es_phrases), "pt": (pt_domains, pt_phrases), "en": (en_domains, en_phrases)}


def conversations(language: str, count: int = PER_LANGUAGE) -> list[dict]:
    """`count` conversations, none repeating another's turns exactly (short ones can come out alike)."""
    writer = Writer(language, *BANKS[language], seed=SEED)
    out, seen, number = [], set(), 0
    while len(out) < count:
        record = writer.conversation(len(out) + 1)
        key = tuple((t["role"], t["text"]) for t in record["turns"])
        number += 1
        if key in seen:
            continue
        seen.add(key)
        out.append(record)
    return out


def files(count: int = PER_LANGUAGE) -> dict[str, str]:
    """File name -> content, one conversation per line."""
    return {
        f"generated_{language}.jsonl": "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in conversations(language, count))
        for language in BANKS
    }
