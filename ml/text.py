"""Text folding shared by every feature: case and accents folded, digits collapsed.

Spanish, Portuguese and English customers drop accents and capitals at will ("atencion",
"ATENÇÃO", "Atención"); folding makes those one token. Digits (order numbers, amounts, dates)
become 0 so that "pedido 48213" and "pedido 99120" look alike. No per-language word lists.
"""

import re
import unicodedata

_DIGITS = re.compile(r"\d")


_DIGIT_ZERO = str.maketrans("123456789", "000000000")


def fold(text: str) -> str:
    if text.isascii():  # the common case, ten times faster
        return text.lower().translate(_DIGIT_ZERO)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _DIGITS.sub("0", stripped)
