"""schema.graphql is generated from the code; a stale checked-in copy fails here."""

from pathlib import Path

from api.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_checked_in_schema_matches_the_code():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is out of date: run `make schema` and commit the result"
    )
