"""Every contract document validates, whole and unchanged, against the schema."""

import pytest
from graphql import parse, validate

from api.schema import schema
from tests.contract.documents import document


@pytest.mark.parametrize("name", ["profile", "contacts", "actions", "ingest", "satisfaction"])
def test_contract_document_validates(name):
    errors = validate(schema._schema, parse(document(name)))
    assert [e.message for e in errors] == []
