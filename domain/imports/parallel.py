"""Validating the next batches in helper processes while this process writes the current one.

Why: validation (phone numbers above all) is about half of an import's CPU time, and the writing
process can only use one core. Two helpers validating ahead use the second core, which is what
brings a 100k-row import under 15 s on a 2-core machine. Only large files use them; small ones
validate inline and never start a process. Helpers come from a fork server (a clean process:
forking this one, with its database connections and threads, would not be safe) and stop when no
import is left open. If they cannot start, or die, the import validates inline: slower, same result.
"""

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from domain.imports.csv_file import Record, reread
from domain.imports.rows import RowValidator

log = logging.getLogger(__name__)

# Two helpers keep the next two batches validating while this process writes.
WORKERS = 2
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()
_ready = threading.Event()


def validate_all(validator: RowValidator, records: list[Record]) -> list[Any]:
    return validator.validate_all(records)


def _validate_text(validator: RowValidator, text: str, separator: str, first_row: int) -> list[Any]:
    return validator.validate_all(reread(text, separator, first_row))


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            # The fork server imports the validation code once; each helper is then a cheap fork of it.
            context.set_forkserver_preload([__name__])
            # Helpers run at a lower priority: when the cores are short the writer should get them
            # (it holds the transaction), and the helpers use what is left.
            _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, initializer=os.nice, initargs=(5,))
        return _pool


def warm_up() -> None:
    """Start the helpers; starting the fork server takes most of a second, so call this from a thread."""
    try:
        executor = _executor()
        for done in [executor.submit(int) for _ in range(WORKERS)]:
            done.result()
    except Exception:  # noqa: BLE001 - without helpers the import still runs, inline
        log.warning("import helpers did not start; validating in this process", exc_info=True)
        return
    _ready.set()


def ready() -> bool:
    """Whether the helpers are up; until then the caller validates inline rather than wait for them."""
    return _ready.is_set()


def submit(validator: RowValidator, text: str, separator: str, first_row: int) -> "Future[list[Any]]":
    """Validate the records of `text` (from csv_file.BatchReader.take) in a helper."""
    return _executor().submit(_validate_text, validator, text, separator, first_row)


def release() -> None:
    """Stop the helper processes (the next large import starts new ones)."""
    global _pool
    with _lock:
        _ready.clear()
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
