"""Scoring batches with the cyclic garbage collector paused."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Scoring a batch makes tens of thousands of small objects (verdicts, terms) and no reference
    cycles; a full collection in the middle of it walks the whole process heap, which cost a third
    of the scoring time of a rescore. Objects are still freed as usual (reference counting); the
    collector resumes when the batch is done, unless it was off already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
