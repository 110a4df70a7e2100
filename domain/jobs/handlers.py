"""Imports every module that registers a job handler (each adds one line here)."""

import importlib

HANDLER_MODULES: tuple[str, ...] = (
    "domain.jobs.bulk_action",
    "domain.imports.handler",
    "domain.jobs.satisfaction_rescore",
)


def load_all() -> None:
    for module in HANDLER_MODULES:
        importlib.import_module(module)
