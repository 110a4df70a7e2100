"""Labelled conversations from files: `jsonl`, `csv` and `uss`, at turn or conversation level.

- jsonl: one conversation per line, `{"id", "language", "turns": [{"role", "text", "at", "label"?}],
  "label"}`. Roles CUSTOMER/AGENT (USER/SYSTEM are accepted as synonyms); a customer turn may carry
  its own label.
- csv: columns `id, role, text, label`, one row per turn, a conversation's rows together in order.
  A label on a customer row labels that turn; the conversation's label is its last label, or the
  label of a final row whose role is OVERALL.
- uss: `ROLE<TAB>text<TAB>action<TAB>scores` lines (ROLE USER or SYSTEM; scores 1-5 from several
  annotators on USER lines), conversations separated by a blank line, closed by a USER line whose
  text is OVERALL carrying the conversation's scores. Mean score < 2.5 is DISSATISFIED, > 3.5
  SATISFIED, otherwise NEUTRAL.

Turn level gives one example per labelled customer turn, judged on the conversation up to and
including it (a conversation with no turn labels contributes its own label at its last customer
turn). Conversation level gives one example per conversation, judged on all of it.
"""

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ml.conversation import AGENT, CUSTOMER, Turn
from ml.labels import LabelError, check_label, label_from_scores

FORMATS = ("jsonl", "csv", "uss")
LEVELS = ("turn", "conversation")
_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".txt": "uss", ".uss": "uss"}
_ROLES = {"CUSTOMER": CUSTOMER, "USER": CUSTOMER, "AGENT": AGENT, "SYSTEM": AGENT}


class DatasetError(ValueError):
    """A file that cannot be read as the format says; names the file and line."""


@dataclass(frozen=True)
class LabelledConversation:
    id: str
    turns: tuple[Turn, ...]
    label: str | None
    # Turn position -> label, for customer turns that carry one.
    turn_labels: dict[int, str] = field(default_factory=dict)
    language: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Example:
    conversation_id: str
    turns: tuple[Turn, ...]
    label: str
    language: str | None
    source: str | None = None  # the file it came from


@dataclass(frozen=True)
class Dataset:
    examples: list[Example]
    conversations: int
    files: list[str]
    sha256: str
    format: str
    level: str
    # One example per labelled conversation, judged on all of it (equal to `examples` at conversation level).
    whole: list[Example] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.examples]

    def class_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))

    def describe(self) -> str:
        names = ", ".join(self.files) if len(self.files) <= 3 else f"{len(self.files)} files"
        return f"{names} ({self.format}, {self.level} level, {len(self.examples)} examples from {self.conversations} conversations)"


def _role(value: object, where: str) -> str:
    role = _ROLES.get(str(value).strip().upper())
    if role is None:
        raise DatasetError(f"{where}: role must be CUSTOMER or AGENT (or USER/SYSTEM), got {value!r}")
    return role


def _label(value: object, where: str) -> str:
    try:
        return check_label(value)
    except LabelError as exc:
        raise DatasetError(f"{where}: {exc}") from None


def _files(path: Path, fmt: str | None) -> tuple[list[Path], str]:
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in _SUFFIXES)
        if fmt is not None:
            candidates = [p for p in candidates if _SUFFIXES[p.suffix] == fmt]
        formats = {_SUFFIXES[p.suffix] for p in candidates}
        if not candidates:
            raise DatasetError(f"{path}: no .jsonl, .csv or .txt data files")
        if len(formats) > 1:
            raise DatasetError(f"{path}: holds files of several formats ({', '.join(sorted(formats))}); pass --format")
        return candidates, fmt or formats.pop()
    guessed = _SUFFIXES.get(path.suffix)
    if fmt is None and guessed is None:
        raise DatasetError(f"{path}: cannot tell the format from the name; pass --format jsonl, csv or uss")
    return [path], fmt or guessed  # type: ignore[return-value]


def read_conversations(path: Path | str, fmt: str | None = None) -> tuple[list[LabelledConversation], list[Path], str]:
    """Every conversation in `path` (a file or a directory of files of one format)."""
    if fmt is not None and fmt not in FORMATS:
        raise DatasetError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    files, fmt = _files(Path(path), fmt)
    reader = {"jsonl": _read_jsonl, "csv": _read_csv, "uss": _read_uss}[fmt]
    conversations: list[LabelledConversation] = []
    seen: set[str] = set()
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        for conversation in reader(text, file.name):
            key = f"{file.name}:{conversation.id}" if len(files) > 1 else conversation.id
            if key in seen:
                raise DatasetError(f"{file}: conversation id {conversation.id!r} appears twice")
            seen.add(key)
            conversations.append(replace(conversation, source=file.name))
    if not conversations:
        raise DatasetError(f"{path}: no conversations")
    return conversations, files, fmt


def load(path: Path | str, *, fmt: str | None = None, level: str = "turn") -> Dataset:
    if level not in LEVELS:
        raise DatasetError(f"unknown level {level!r}; expected turn or conversation")
    conversations, files, fmt = read_conversations(path, fmt)
    examples = [e for c in conversations for e in examples_of(c, level)]
    whole = examples if level == "conversation" else [e for c in conversations for e in examples_of(c, "conversation")]
    if not examples:
        raise DatasetError(f"{path}: no labelled examples at {level} level")
    return Dataset(
        examples=examples,
        conversations=len(conversations),
        files=[f.name for f in files],
        sha256=data_hash(files),
        format=fmt,
        level=level,
        whole=whole,
    )


def data_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def examples_of(conversation: LabelledConversation, level: str) -> Iterator[Example]:
    turns = conversation.turns
    if not any(t.role == CUSTOMER for t in turns):
        return
    if level == "conversation":
        if conversation.label is not None:
            yield Example(conversation.id, turns, conversation.label, conversation.language, conversation.source)
        return
    if conversation.turn_labels:
        for position, label in sorted(conversation.turn_labels.items()):
            yield Example(conversation.id, turns[: position + 1], label, conversation.language, conversation.source)
    elif conversation.label is not None:
        last = max(i for i, t in enumerate(turns) if t.role == CUSTOMER)
        yield Example(conversation.id, turns[: last + 1], conversation.label, conversation.language, conversation.source)


def _read_jsonl(text: str, name: str) -> Iterator[LabelledConversation]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("turns"), list):
            raise DatasetError(f"{where}: expected an object with a list of turns")
        turns: list[Turn] = []
        turn_labels: dict[int, str] = {}
        for i, turn in enumerate(record["turns"]):
            if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
                raise DatasetError(f"{where}: turn {i} needs a role and a text")
            turns.append(Turn(_role(turn.get("role"), f"{where} turn {i}"), turn["text"]))
            if turn.get("label") is not None:
                if turns[-1].role != CUSTOMER:
                    raise DatasetError(f"{where} turn {i}: only customer turns carry a label")
                turn_labels[i] = _label(turn["label"], f"{where} turn {i}")
        label = record.get("label")
        yield LabelledConversation(
            id=str(record.get("id", number)),
            turns=tuple(turns),
            label=None if label is None else _label(label, where),
            turn_labels=turn_labels,
            language=record.get("language"),
        )


def _read_csv(text: str, name: str) -> Iterator[LabelledConversation]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"id", "role", "text"} - set(reader.fieldnames or [])
    if missing:
        raise DatasetError(f"{name}: missing column(s) {', '.join(sorted(missing))}; expected id, role, text, label")
    current: str | None = None
    turns: list[Turn] = []
    turn_labels: dict[int, str] = {}
    overall: str | None = None
    finished: set[str] = set()

    def flush() -> LabelledConversation:
        label = overall or (turn_labels[max(turn_labels)] if turn_labels else None)
        return LabelledConversation(str(current), tuple(turns), label, dict(turn_labels))

    for number, row in enumerate(reader, start=2):
        where = f"{name} line {number}"
        conv_id = (row.get("id") or "").strip()
        if not conv_id:
            raise DatasetError(f"{where}: empty id")
        if conv_id != current:
            if current is not None:
                finished.add(current)
                yield flush()
            if conv_id in finished:
                raise DatasetError(f"{where}: rows of conversation {conv_id!r} must be together")
            current, turns, turn_labels, overall = conv_id, [], {}, None
        raw_label = (row.get("label") or "").strip()
        if (row.get("role") or "").strip().upper() == "OVERALL":
            overall = _label(raw_label, where) if raw_label else None
            continue
        turns.append(Turn(_role(row.get("role"), where), row.get("text") or ""))
        if raw_label:
            if turns[-1].role != CUSTOMER:
                raise DatasetError(f"{where}: only customer rows carry a label")
            turn_labels[len(turns) - 1] = _label(raw_label, where)
    if current is not None:
        yield flush()


def _scores(raw: str, where: str) -> list[int]:
    try:
        return [int(s) for s in raw.split(",") if s.strip()]
    except ValueError:
        raise DatasetError(f"{where}: scores must be comma-separated integers, got {raw!r}") from None


def _uss_label(raw: str, where: str) -> str:
    try:
        return label_from_scores(_scores(raw, where))
    except LabelError as exc:
        raise DatasetError(f"{where}: {exc}") from None


def _read_uss(text: str, name: str) -> Iterator[LabelledConversation]:
    turns: list[Turn] = []
    turn_labels: dict[int, str] = {}
    overall: str | None = None
    count = 0

    def flush() -> LabelledConversation:
        return LabelledConversation(f"{count}", tuple(turns), overall, dict(turn_labels))

    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name} line {number}"
        if not line.strip():
            if turns:
                count += 1
                yield flush()
            turns, turn_labels, overall = [], {}, None
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise DatasetError(f"{where}: expected ROLE<TAB>text<TAB>action<TAB>scores")
        role_name, utterance = parts[0].strip().upper(), parts[1]
        scores = parts[3].strip() if len(parts) > 3 else ""
        if role_name not in ("USER", "SYSTEM"):
            raise DatasetError(f"{where}: role must be USER or SYSTEM, got {parts[0]!r}")
        if role_name == "USER" and utterance.strip() == "OVERALL":
            overall = _uss_label(scores, where) if scores else None
            continue
        turns.append(Turn(CUSTOMER if role_name == "USER" else AGENT, utterance))
        if role_name == "USER" and scores:
            turn_labels[len(turns) - 1] = _uss_label(scores, where)
    if turns:
        count += 1
        yield flush()
