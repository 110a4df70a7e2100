"""How every feature reads a turn's text: case, accents and digits folded, punctuation dropped.

Spanish, Portuguese and English customers drop accents and capitals at will ("atencion",
"ATENÇÃO", "Atención"); folding makes those one token. Digits (order numbers, amounts, dates)
become 0 so that "pedido 48213" and "pedido 99120" look alike. Letters stretched for emphasis
("pessimooo", "muuuito") are cut to two, so the stretching does not make a new word. Words are runs
of letters and digits: punctuation, capitals and emojis never reach the n-grams (the lexicon reads
emojis and emphasis on its own, see `ml.lexicon`).

Folding is a Unicode decomposition (only for non-ASCII text) and two byte translations: scoring
reads every turn once, so this is where its time goes. Letters of other scripts are dropped.
"""

import re
import string
import unicodedata

_STRETCHED = re.compile(r"([a-z])\1\1")
_STRETCHED_RUN = re.compile(r"([a-z])\1{2,}")
# Words, and the punctuation marks that end a clause (a negation does not reach past them).
_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?]")
BREAKS = frozenset(".,;:!?")

_FOLD_BYTES = bytes.maketrans((string.ascii_uppercase + "123456789").encode(), (string.ascii_lowercase + "000000000").encode())
_DROPPED = "".join(chr(c) for c in range(128) if not chr(c).isalnum())
_WORD_BYTES = bytes.maketrans(
    (string.ascii_uppercase + "123456789" + _DROPPED).encode(),
    (string.ascii_lowercase + "000000000" + " " * len(_DROPPED)).encode(),
)

# Every text is read this far: one judgement stays cheap however long a turn is.
TEXT_CHARS = 2000


def fold(text: str) -> str:
    """Lower case, no accents, digits as 0; letters of other scripts and emojis are dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return text.encode().translate(_FOLD_BYTES).decode()


def read(text: str) -> tuple[str, list[str], bool]:
    """(folded text, its words, whether letters were stretched) of a turn, cut at TEXT_CHARS.

    The folded text keeps punctuation for the lexicon; the words do not.
    """
    cut = text[:TEXT_CHARS]
    raw = cut.encode() if cut.isascii() else unicodedata.normalize("NFKD", cut.casefold()).encode("ascii", "ignore")
    folded = raw.translate(_FOLD_BYTES).decode()
    if _STRETCHED.search(folded) is None:
        return folded, raw.translate(_WORD_BYTES).decode().split(), False
    folded = _STRETCHED_RUN.sub(r"\1\1", folded)
    return folded, folded.encode().translate(_WORD_BYTES).decode().split(), True


def normal(text: str) -> str:
    return read(text)[0]


def words(text: str) -> list[str]:
    return read(text)[1]


def is_stretched(text: str) -> bool:
    return _STRETCHED.search(text.lower()) is not None


def tokens(folded: str) -> list[str]:
    """Words of a folded text and the clause-ending marks between them (for the lexicon)."""
    return _TOKEN.findall(folded)
