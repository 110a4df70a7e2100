"""Labelled conversations from jsonl, csv and USS files, at turn and at conversation level."""

import json

import pytest

from ml.conversation import AGENT, CUSTOMER, Turn
from ml.datasets import DatasetError, load
from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def texts(example) -> list[tuple[str, str]]:
    return [(t.role, t.text) for t in example.turns]


USS = (
    "USER\tmy order never arrived\tinform\t2,1,2\n"
    "SYSTEM\tsorry, let me check\trequest\t\n"
    "USER\tok thanks, it is here now\tthank\t4,5,4\n"
    "SYSTEM\tglad to help\tbye\t\n"
    "USER\tOVERALL\t\t4,4,3\n"
    "\n"
    "USER\tqual o horário?\tinform\t3,3,3\n"
    "SYSTEM\tdas 9 às 18\tinform\t\n"
    "USER\tOVERALL\t\t2,2,3\n"
)


# --- USS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "label"),
    [
        ("1,1,1", DISSATISFIED),
        ("2,2,3", DISSATISFIED),  # mean 2.33
        ("2,3", NEUTRAL),  # mean 2.5, the lower boundary
        ("3,3,3", NEUTRAL),
        ("3,4", NEUTRAL),  # mean 3.5, the upper boundary
        ("3,4,4", SATISFIED),  # mean 3.67
        ("5,5,5", SATISFIED),
    ],
)
def test_uss_overall_scores_map_to_a_label_by_their_mean(tmp_path, scores, label):
    # given
    path = write(tmp_path / "one.txt", f"USER\thello\tinform\t\nSYSTEM\thi\tgreet\t\nUSER\tOVERALL\t\t{scores}\n")

    # when
    dataset = load(path, level="conversation")

    # then
    assert dataset.labels == [label]


def test_uss_turn_level_gives_one_example_per_scored_user_line_judged_on_the_turns_up_to_it(tmp_path):
    # given
    path = write(tmp_path / "dialogues.txt", USS)

    # when
    dataset = load(path, level="turn")

    # then
    assert dataset.format == "uss" and dataset.conversations == 2
    assert dataset.labels == [DISSATISFIED, SATISFIED, NEUTRAL]
    first, second, third = dataset.examples
    assert texts(first) == [(CUSTOMER, "my order never arrived")]
    assert texts(second) == [
        (CUSTOMER, "my order never arrived"),
        (AGENT, "sorry, let me check"),
        (CUSTOMER, "ok thanks, it is here now"),
    ]
    assert texts(third) == [(CUSTOMER, "qual o horário?")]
    assert first.conversation_id == second.conversation_id != third.conversation_id


def test_uss_conversation_level_gives_the_overall_label_with_the_whole_conversation(tmp_path):
    # given
    path = write(tmp_path / "dialogues.uss", USS)

    # when
    dataset = load(path, level="conversation")

    # then
    assert dataset.labels == [SATISFIED, DISSATISFIED]
    assert texts(dataset.examples[0])[-1] == (AGENT, "glad to help")
    assert len(dataset.examples[0].turns) == 4
    assert all(t.text != "OVERALL" for e in dataset.examples for t in e.turns)


def test_uss_tolerates_several_blank_lines_and_no_final_newline(tmp_path):
    # given
    path = write(tmp_path / "dialogues.txt", "\n\n" + USS.replace("\n\n", "\n\n\n\n").rstrip("\n"))

    # when
    dataset = load(path, level="conversation")

    # then
    assert dataset.conversations == 2
    assert dataset.labels == [SATISFIED, DISSATISFIED]


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("BOT\thello\tinform\t3,3,3", "role must be USER or SYSTEM"),
        ("USER\thello\tinform\t3,x,3", "scores must be comma-separated integers"),
        ("USER\thello\tinform\t3.5,4", "scores must be comma-separated integers"),
        ("USER\thello\tinform\t3,6,3", "scores must be 1-5"),
        ("USER hello without tabs", "expected ROLE<TAB>text"),
    ],
)
def test_a_bad_uss_line_is_refused_naming_the_file_and_line(tmp_path, line, complaint):
    # given
    path = write(tmp_path / "bad.txt", f"USER\thi\tinform\t3,3,3\nSYSTEM\thello\tgreet\t\n{line}\nUSER\tOVERALL\t\t3,3,3\n")

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "bad.txt line 3" in str(error.value)
    assert complaint in str(error.value)


# --- jsonl -------------------------------------------------------------------------------------


def test_jsonl_turn_labels_give_one_example_per_labelled_customer_turn(tmp_path):
    # given
    path = write(
        tmp_path / "chats.jsonl",
        jsonl(
            {
                "id": "c1",
                "language": "es",
                "label": "satisfied",
                "turns": [
                    {"role": "CUSTOMER", "text": "mi pedido no llegó", "label": "DISSATISFIED"},
                    {"role": "AGENT", "text": "lo reenviamos hoy"},
                    {"role": "CUSTOMER", "text": "ok"},
                    {"role": "CUSTOMER", "text": "¡llegó, gracias!", "label": "SATISFIED"},
                    {"role": "AGENT", "text": "de nada"},
                ],
            }
        ),
    )

    # when
    turn_level = load(path, level="turn")
    conversation_level = load(path, level="conversation")

    # then
    assert turn_level.labels == [DISSATISFIED, SATISFIED]
    assert [len(e.turns) for e in turn_level.examples] == [1, 4]
    assert turn_level.examples[0].language == "es"
    assert conversation_level.labels == [SATISFIED]
    assert len(conversation_level.examples[0].turns) == 5


def test_a_jsonl_conversation_without_turn_labels_gives_its_label_at_its_last_customer_turn(tmp_path):
    # given
    path = write(
        tmp_path / "chats.jsonl",
        jsonl(
            {
                "id": "c1",
                "label": "NEUTRAL",
                "turns": [
                    {"role": "USER", "text": "what time do you open?"},
                    {"role": "SYSTEM", "text": "at nine"},
                    {"role": "USER", "text": "ok"},
                    {"role": "SYSTEM", "text": "anything else?"},
                ],
            }
        ),
    )

    # when
    dataset = load(path, level="turn")

    # then
    assert dataset.labels == [NEUTRAL]
    assert texts(dataset.examples[0]) == [(CUSTOMER, "what time do you open?"), (AGENT, "at nine"), (CUSTOMER, "ok")]


def test_a_conversation_where_the_customer_never_writes_gives_no_example(tmp_path):
    # given
    path = write(
        tmp_path / "chats.jsonl",
        jsonl(
            {"id": "silent", "label": "NEUTRAL", "turns": [{"role": "AGENT", "text": "hello?"}]},
            {"id": "talks", "label": "SATISFIED", "turns": [{"role": "CUSTOMER", "text": "thanks!"}]},
        ),
    )

    # when
    dataset = load(path, level="conversation")

    # then
    assert dataset.conversations == 2
    assert [e.conversation_id for e in dataset.examples] == ["talks"]


@pytest.mark.parametrize(
    ("bad_line", "complaint"),
    [
        ('{"id": "x", "turns": [', "not JSON"),
        ('["a", "list"]', "expected an object with a list of turns"),
        ('{"id": "x", "label": "NEUTRAL", "turns": [{"role": "BOT", "text": "hi"}]}', "role must be CUSTOMER or AGENT"),
        ('{"id": "x", "label": "HAPPY", "turns": [{"role": "CUSTOMER", "text": "hi"}]}', "unknown label 'HAPPY'"),
        ('{"id": "x", "turns": [{"role": "CUSTOMER", "text": "hi", "label": "MEH"}]}', "unknown label 'MEH'"),
        ('{"id": "x", "turns": [{"role": "AGENT", "text": "hi", "label": "NEUTRAL"}]}', "only customer turns carry a label"),
        ('{"id": "x", "turns": [{"role": "CUSTOMER"}]}', "needs a role and a text"),
    ],
)
def test_a_bad_jsonl_line_is_refused_naming_the_file_and_line(tmp_path, bad_line, complaint):
    # given
    good = '{"id": "ok", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}'
    path = write(tmp_path / "chats.jsonl", f"{good}\n\n{bad_line}\n")

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "chats.jsonl line 3" in str(error.value)
    assert complaint in str(error.value)


def test_a_conversation_id_that_appears_twice_in_a_file_is_refused(tmp_path):
    # given
    record = {"id": "same", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}
    path = write(tmp_path / "chats.jsonl", jsonl(record, record))

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "'same' appears twice" in str(error.value)


# --- csv ---------------------------------------------------------------------------------------


CSV = (
    "id,role,text,label\n"
    "a,CUSTOMER,no funciona la app,DISSATISFIED\n"
    "a,AGENT,¿probaste reinstalar?,\n"
    "a,CUSTOMER,\"ahora sí, gracias\",SATISFIED\n"
    "a,OVERALL,,NEUTRAL\n"
    "b,CUSTOMER,qual o prazo?,NEUTRAL\n"
    "b,AGENT,3 dias,\n"
    "b,CUSTOMER,\"ok, valeu\",SATISFIED\n"
)


def test_csv_rows_become_turns_with_turn_labels_and_an_overall_row_labels_the_conversation(tmp_path):
    # given
    path = write(tmp_path / "chats.csv", CSV)

    # when
    turn_level = load(path, level="turn")
    conversation_level = load(path, level="conversation")

    # then
    assert turn_level.format == "csv" and turn_level.conversations == 2
    assert turn_level.labels == [DISSATISFIED, SATISFIED, NEUTRAL, SATISFIED]
    assert texts(turn_level.examples[1])[-1] == (CUSTOMER, "ahora sí, gracias")
    # "a" has an OVERALL row; "b" has none, so its last label stands for the conversation
    assert conversation_level.labels == [NEUTRAL, SATISFIED]
    assert [len(e.turns) for e in conversation_level.examples] == [3, 3]


def test_csv_rows_of_one_conversation_must_be_together(tmp_path):
    # given
    path = write(
        tmp_path / "chats.csv",
        "id,role,text,label\na,CUSTOMER,hola,NEUTRAL\nb,CUSTOMER,oi,NEUTRAL\na,CUSTOMER,otra vez,NEUTRAL\n",
    )

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "chats.csv line 4" in str(error.value)
    assert "rows of conversation 'a' must be together" in str(error.value)


def test_a_csv_without_the_needed_columns_is_refused_naming_them(tmp_path):
    # given
    path = write(tmp_path / "chats.csv", "conversation,speaker,text,label\na,CUSTOMER,hola,NEUTRAL\n")

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "chats.csv" in str(error.value)
    assert "missing column(s) id, role" in str(error.value)


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("a,CUSTOMER,hola,CONTENTO", "unknown label 'CONTENTO'"),
        ("a,BOT,hola,", "role must be CUSTOMER or AGENT"),
        ("a,AGENT,hola,NEUTRAL", "only customer rows carry a label"),
        (",CUSTOMER,hola,NEUTRAL", "empty id"),
    ],
)
def test_a_bad_csv_row_is_refused_naming_the_file_and_line(tmp_path, row, complaint):
    # given
    path = write(tmp_path / "chats.csv", f"id,role,text,label\na,CUSTOMER,buenas,NEUTRAL\n{row}\n")

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "chats.csv line 3" in str(error.value)
    assert complaint in str(error.value)


# --- files, directories and the data hash ------------------------------------------------------


def test_a_directory_of_one_format_is_read_whole(tmp_path):
    # given the same conversation id in two files is two conversations
    record = {"id": "1", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}
    write(tmp_path / "a.jsonl", jsonl(record))
    write(tmp_path / "b.jsonl", jsonl(record, {**record, "id": "2", "label": "SATISFIED"}))
    write(tmp_path / "notes.md", "not data")

    # when
    dataset = load(tmp_path)

    # then
    assert dataset.files == ["a.jsonl", "b.jsonl"]
    assert dataset.conversations == 3
    assert dataset.labels == [NEUTRAL, NEUTRAL, SATISFIED]


def test_a_directory_mixing_formats_is_refused_unless_a_format_is_given(tmp_path):
    # given
    write(tmp_path / "a.jsonl", jsonl({"id": "1", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}))
    write(tmp_path / "b.csv", "id,role,text,label\nx,CUSTOMER,hola,SATISFIED\n")

    # when
    with pytest.raises(DatasetError) as error:
        load(tmp_path)
    only_csv = load(tmp_path, fmt="csv")

    # then
    assert str(tmp_path) in str(error.value)
    assert "several formats (csv, jsonl)" in str(error.value)
    assert only_csv.files == ["b.csv"] and only_csv.labels == [SATISFIED]


def test_a_file_of_unknown_extension_needs_a_format(tmp_path):
    # given
    path = write(tmp_path / "export.data", jsonl({"id": "1", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}))

    # when
    with pytest.raises(DatasetError) as error:
        load(path)
    given_format = load(path, fmt="jsonl")

    # then
    assert "export.data" in str(error.value) and "pass --format" in str(error.value)
    assert given_format.labels == [NEUTRAL]


@pytest.mark.parametrize(
    ("name", "kwargs", "complaint"),
    [
        ("missing.jsonl", {}, "no such file or directory"),
        ("chats.jsonl", {"fmt": "xml"}, "unknown format 'xml'"),
        ("chats.jsonl", {"level": "sentence"}, "unknown level 'sentence'"),
    ],
)
def test_a_missing_file_an_unknown_format_or_level_is_refused(tmp_path, name, kwargs, complaint):
    # given
    write(tmp_path / "chats.jsonl", jsonl({"id": "1", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}))

    # when
    with pytest.raises(DatasetError) as error:
        load(tmp_path / name, **kwargs)

    # then
    assert complaint in str(error.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    # given
    path = tmp_path / "chats.csv"
    path.write_bytes("id,role,text,label\na,CUSTOMER,atención,NEUTRAL\n".encode("latin-1"))

    # when
    with pytest.raises(DatasetError) as error:
        load(path)

    # then
    assert "chats.csv: not UTF-8" in str(error.value)


def test_data_without_a_labelled_example_is_refused(tmp_path):
    # given
    path = write(tmp_path / "chats.jsonl", jsonl({"id": "1", "turns": [{"role": "CUSTOMER", "text": "hi"}]}))

    # when
    with pytest.raises(DatasetError) as error:
        load(path, level="conversation")

    # then
    assert "no labelled examples at conversation level" in str(error.value)


def test_the_data_sha256_changes_when_one_byte_changes_and_only_then(tmp_path):
    # given
    path = write(tmp_path / "dialogues.txt", USS)
    before = load(path).sha256

    # when
    again = load(path).sha256
    path.write_text(USS.replace("ok thanks", "ok thanks!"), encoding="utf-8")
    changed = load(path).sha256
    path.write_text(USS.replace("ok thanks", "ok thankz"), encoding="utf-8")
    same_length = load(path).sha256

    # then
    assert again == before
    assert len({before, changed, same_length}) == 3
    assert len(before) == 64 and set(before) <= set("0123456789abcdef")


def test_turns_are_plain_role_and_text(tmp_path):
    # given
    path = write(tmp_path / "chats.jsonl", jsonl({"id": "1", "label": "NEUTRAL", "turns": [{"role": "customer", "text": " hi "}]}))

    # when
    dataset = load(path)

    # then
    assert dataset.examples[0].turns == (Turn(CUSTOMER, " hi "),)
