"""The shared contract's operations, read unchanged from the copies in this folder."""

import json
from pathlib import Path

HERE = Path(__file__).parent


def document(name: str) -> str:
    return (HERE / f"{name}.graphql").read_text(encoding="utf-8")


def example_variables(operation: str) -> dict:
    return json.loads((HERE / "variables.json").read_text(encoding="utf-8"))[operation]
