"""What a request's JSON may hold: bounded nesting and well-formed text, checked once where it is decoded.

Every JSON a client sends (the body, an upload's `operations` and `map`, a GET's `variables` and
`extensions`) passes here (GraphQLOverHTTP.decode_json). Python's decoder recurses: nesting in the
thousands raises RecursionError, and a few hundred levels that decode still make later recursive
steps (variable coercion, logging) fail, so more than MAX_JSON_DEPTH levels are refused. A lone
UTF-16 surrogate (`"\\ud800"`) decodes to a string nothing downstream can encode (the database
driver, the JSON logs), so it is refused here too, in keys and values alike.
"""

import json
import re
from typing import Any

# Far above any input object the schema has (the deepest is a few levels), far below the recursion limit.
MAX_JSON_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A surrogate can only reach a decoded string through a \uD800-\uDFFF escape in the JSON text (raw
# surrogates are not valid UTF-8): text without one needs no search of its strings.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


class BadJson(ValueError):
    """The JSON decoded (or failed to) in a way the API cannot serve; the message says why."""


def decode(data: str | bytes) -> Any:
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadJson(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
    if isinstance(data, str):  # text may also hold a raw surrogate character (bytes cannot: invalid UTF-8)
        strings = _LONE_SURROGATE.search(data) is not None or _SURROGATE_ESCAPE.search(data.encode("utf-8", "surrogatepass")) is not None
    else:
        strings = _SURROGATE_ESCAPE.search(data) is not None
    check(value, strings=strings)
    return value


def check(value: Any, *, strings: bool = True) -> None:
    """Refuse nesting beyond MAX_JSON_DEPTH and lone surrogates, walking the value once (no recursion).

    `strings=False` (the text had no surrogate escape) walks only the containers, for the depth.
    """
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                raise BadJson("the JSON holds a lone UTF-16 surrogate (such as \\ud800): send valid Unicode text")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise BadJson(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
        children = item.values() if isinstance(item, dict) else item
        if strings:
            if isinstance(item, dict):
                pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in children)
        else:
            pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
