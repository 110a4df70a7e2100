"""Reading and validating a CSV import without a database: encodings, separators, headers, rows."""

import json
from datetime import date

import pytest

from domain.enums import CustomFieldType, DiscardReason
from domain.imports import csv_file
from domain.imports.columns import plan_columns
from domain.imports.matching import Seen, decide
from domain.imports.rows import FieldRule, ImportRow, RowError, RowValidator
from domain.imports.trail import created_changes, created_json, joined
from domain.services import audit

RULES = {
    "city": FieldRule("city", CustomFieldType.TEXT),
    "plan": FieldRule("plan", CustomFieldType.CHOICE, ("free", "gold")),
    "birthday": FieldRule("birthday", CustomFieldType.DATE),
    "vip": FieldRule("vip", CustomFieldType.BOOLEAN),
}


def read(data: bytes) -> tuple[list[str], list[csv_file.Record]]:
    text = csv_file.decode(data)
    separator = csv_file.sniff_separator(text)
    return csv_file.header(text, separator), list(csv_file.records(text, separator))


def validate(data: bytes) -> list[ImportRow | list[RowError]]:
    header, records = read(data)
    plan = plan_columns(header, RULES)
    return RowValidator(plan, {k: RULES[k] for k in plan.custom}).validate_all(records)


def test_utf8_with_bom_semicolons_and_quoted_cells_with_separators_and_newlines():
    # given a spreadsheet export: BOM, `;` separators, a quoted cell holding `;` and a line break
    data = (
        "\ufeffNombre;E-mail;Tags\r\n"
        "\"Pérez; María\";maria@example.com;\"vip|news\nletter\"\r\n"
        "João;joao@example.com;\r\n"
    )

    # when
    header, records = read(data.encode("utf-8"))

    # then the BOM is not part of the first header, and the quoted cell is one value
    assert header == ["Nombre", "E-mail", "Tags"]
    assert [(r.row, r.cells) for r in records] == [
        (2, ["Pérez; María", "maria@example.com", "vip|news\nletter"]),
        (3, ["João", "joao@example.com", ""]),
    ]


def test_comma_files_and_blank_lines_keep_spreadsheet_row_numbers():
    header, records = read(b"name,email\nAna,ana@example.com\n\n,\nBea,bea@example.com\n")
    assert header == ["name", "email"]
    assert [r.row for r in records] == [2, 5]


def test_separator_is_sniffed_outside_quotes_on_the_header_line():
    assert csv_file.sniff_separator('"a;b;c",email\nx;y;z;w') == ","
    assert csv_file.sniff_separator("name;email;phone\n") == ";"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04binary", "Excel"),
        ("name,email\nJosé,jose@example.com\n".encode("latin-1"), "not UTF-8"),
        (b"\n\nname,email\n", "no header"),
        (b"name\x00,email\n", "binary"),
    ],
)
def test_files_that_are_not_utf8_csv_with_a_header_are_refused(data, message):
    with pytest.raises(csv_file.ImportFileError, match=message):
        csv_file.summarize(data)


def test_summary_counts_data_rows():
    summary = csv_file.summarize(b"name;email\nAna;a@example.com\nBea;b@example.com\n")
    assert (summary.header, summary.separator, summary.data_rows) == (["name", "email"], ";", 2)


def test_headers_match_ignoring_case_accents_and_spacing():
    # given headers as real exports spell them
    headers = ["Nombre", "E-Mail", "TELÉFONO", "first_name", "Empresa", "cf.City", "PLAN", "Notas"]

    # when
    plan = plan_columns(headers, RULES)

    # then
    assert plan.fields == {"name": 0, "email": 1, "phone": 2, "first_name": 3, "company": 4}
    assert plan.custom == {"city": 5, "plan": 6}
    assert plan.unknown == [(7, "Notas")]


def test_a_contact_field_wins_over_a_custom_field_of_the_same_key_unless_prefixed():
    rules = {"language": FieldRule("language", CustomFieldType.TEXT)}
    plan = plan_columns(["name", "email", "language", "cf.language"], rules)
    assert plan.fields["language"] == 2
    assert plan.custom == {"language": 3}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["email", "phone"], "name column"),
        (["name", "company"], "email or a phone"),
        (["name", "email", "Correo"], "both mean 'email'"),
    ],
)
def test_headers_that_cannot_make_a_contact_are_refused(headers, message):
    with pytest.raises(csv_file.ImportFileError, match=message):
        plan_columns(headers, RULES)


def test_a_good_row_is_normalised_with_the_one_to_one_rules():
    # when
    (row,) = validate(
        "name,email,phone,language,company,tags,city,plan,birthday,vip\n"
        "  María   Pérez ,Maria.Perez@Example.COM ,+54 9 11 5555-0101,ES,Acme  SA,vip; news | vip,Rosario,gold,1990-04-01,sí\n"
        .encode()
    )

    # then
    assert isinstance(row, ImportRow)
    assert (row.name, row.email, row.phone) == ("María Pérez", "maria.perez@example.com", "+5491155550101")
    assert row.language == "es"
    assert (row.company, row.tags) == ("Acme SA", ("vip", "news"))
    assert row.custom == {
        "city": ("value_text", "Rosario"), "plan": ("value_text", "gold"),
        "birthday": ("value_date", date(1990, 4, 1)), "vip": ("value_bool", True),
    }
    assert (row.name_key, row.search_text) == ("maria perez", "maria perez maria.perez@example.com 5491155550101")


def test_first_and_last_name_columns_make_the_name():
    (row,) = validate(b"First Name,Last Name,Phone\nAna,Souza,+55 11 98888-7777\n")
    assert isinstance(row, ImportRow) and row.name == "Ana Souza"


def test_every_bad_cell_of_a_row_is_reported_with_its_column():
    # when
    checked = validate(
        b"Name,E-mail,Phone,Plan,Birthday\n"
        b"Ana,ana@,12345,platinum,31/02/1990\n"
        b" ,bea@example.com,,,\n"
        b"Carla,,,,\n"
    )

    # then
    assert [(e.row, e.column) for e in checked[0]] == [(2, "E-mail"), (2, "Phone"), (2, "Plan"), (2, "Birthday")]
    assert "'ana@' is not an e-mail address" in checked[0][0].message
    assert [(e.row, e.column, e.message) for e in checked[1]] == [(3, "Name", "a contact needs a name")]
    assert [(e.row, e.column) for e in checked[2]] == [(4, "E-mail")]
    assert "e-mail or a phone" in checked[2][0].message


def test_cells_beyond_the_header_are_an_error_but_empty_trailing_ones_are_not():
    checked = validate(b"name,email\nAna,ana@example.com,\nBea,bea@example.com,surprise\n")
    assert isinstance(checked[0], ImportRow)
    assert checked[1][0].message == "the row has 3 cells but the header names 2 columns"


def _row(n: int, email: str | None = None, phone: str | None = None) -> ImportRow:
    return ImportRow(row=n, name=f"Row {n}", email=email, phone=phone)


class Existing:
    def __init__(self, id: int, email: str | None, phone: str | None) -> None:
        self.id, self.email, self.phone = id, email, phone


def test_in_file_duplicates_by_email_or_phone_are_skipped_and_the_first_row_wins():
    # given
    rows = [_row(2, "a@x.com", "+1"), _row(3, "b@x.com"), _row(4, "a@x.com"), _row(5, None, "+1"), _row(6, "c@x.com")]
    seen = Seen()

    # when
    plan = decide(rows, seen=seen, existing=[], update_existing=True, columns={"email": "Email", "phone": "Phone"})

    # then
    assert [r.row for r in plan.creates] == [2, 3, 6]
    assert [(d.row, d.column, d.message) for d in plan.duplicates] == [
        (4, "Email", "same e-mail as row 2: skipped"),
        (5, "Phone", "same phone as row 2: skipped"),
    ]
    # and a later batch still knows the file's earlier rows
    columns = {"email": "Email", "phone": None}
    later = decide([_row(9, "b@x.com")], seen=seen, existing=[], update_existing=True, columns=columns)
    assert later.duplicates[0].message == "same e-mail as row 3: skipped"


def test_rows_matching_the_base_update_or_are_kept_and_split_matches_conflict():
    existing = [Existing(10, "a@x.com", "+1"), Existing(11, "b@x.com", "+2")]
    rows = [_row(2, "a@x.com"), _row(3, None, "+2"), _row(4, "a@x.com", "+2"), _row(5, "new@x.com")]
    columns = {"email": "email", "phone": "phone"}

    updating = decide(rows[:2] + rows[3:], seen=Seen(), existing=existing, update_existing=True, columns=columns)
    assert [(r.row, m.id) for r, m in updating.updates] == [(2, 10), (3, 11)]
    assert [r.row for r in updating.creates] == [5]

    keeping = decide(rows[:2], seen=Seen(), existing=existing, update_existing=False, columns=columns)
    assert (keeping.kept_existing, keeping.updates) == (2, [])

    split = decide([rows[2]], seen=Seen(), existing=existing, update_existing=True, columns=columns)
    assert split.conflicts[0].row == 4 and "another" in split.conflicts[0].message


def test_created_changes_are_the_audit_diff_of_a_new_contact_and_written_as_json_dumps_would():
    new = {
        "name": "Zoë \"Zed\" Núñez", "email": None, "language": "es", "company_id": 7,
        "discard_reason": DiscardReason.SUSPENDED, "customFields.birthday": date(1990, 4, 1),
        "customFields.vip": False, "customFields.ltv": 12.5, "customFields.n": 3, "tag_ids": [1, 2], "list_ids": [],
    }
    assert created_changes(new) == audit.diff({}, {k: v for k, v in new.items() if v != []})
    assert created_json(new) == json.dumps(created_changes(new))


@pytest.mark.parametrize("own", [{}, {"name": "Ana"}])
@pytest.mark.parametrize("more", [{}, {"tag_ids": [1, 2], "company_id": None}])
def test_joined_changes_are_the_json_of_both(own, more):
    assert joined(created_json(own), more) == json.dumps(created_changes(own) + created_changes(more))
