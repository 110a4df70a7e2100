"""A fitted pipeline as a file: skops format, read with an explicit list of trusted types.

joblib files are pickles, and unpickling runs whatever code the file names: a sha256 in a manifest
beside the file does not help, since whoever can replace the file can rewrite the manifest too.
A skops file is a zip of JSON and numpy arrays (read with pickling disabled); loading it builds only
types that skops trusts by default (scikit-learn estimators, numpy and scipy containers) or that are
named in TRUSTED below, and refuses a file that names anything else before building any of it. So a
model trained elsewhere needs no key and no signature: it can hold a pipeline of these parts and
nothing else.

skops writes array files named by memory address and zip entries stamped with the time; `dump`
renames the arrays in order of appearance and stamps every entry 1980-01-01, so the same pipeline
always gives the same bytes (and `make model` the same sha256).
"""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import skops.io
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.pipeline import Pipeline

# What the default pipeline (ml.pipeline) is made of beyond skops' defaults. Functions are named by
# module and name and imported from this package, never from the file.
TRUSTED = (
    "ml.analysis.char_grams",
    "ml.analysis.word_grams",
    "ml.analysis.word_grams_of_turns",
    "ml.features.field",
    "ml.features.lexicon_of",
    "ml.features.lexicon_of_turns",
    "ml.features.shape",
    "ml.features.views",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
)
_STAMP = (1980, 1, 1, 0, 0, 0)


class ArtifactError(ValueError):
    """A file that is not a pipeline this package may load."""


def dump(pipeline: Pipeline, path: Path) -> None:
    path.write_bytes(_canonical(skops.io.dumps(pipeline)))


def load(path: Path) -> Pipeline:
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ArtifactError("not a skops file (not a zip archive)")
    try:
        # skops audits the whole tree first and builds nothing if any type in it is not trusted.
        pipeline = skops.io.loads(data, trusted=list(TRUSTED))
    except UntrustedTypesFoundException as exc:
        raise ArtifactError(f"names types that are not trusted ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - anything skops cannot read is not a model of ours
        raise ArtifactError(f"failed to load ({type(exc).__name__}: {exc})") from None
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"holds a {type(pipeline).__name__}, not a scikit-learn Pipeline")
    return pipeline


def _canonical(data: bytes) -> bytes:
    """The same zip with array files renamed in order of appearance and fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        schema = json.loads(source.read("schema.json"))
        renamed: dict[str, str] = {}
        ids: dict[int, int] = {}
        schema = _rename(schema, renamed, ids)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            entries = [("schema.json", json.dumps(schema, indent=2).encode())]
            entries += [(new, source.read(old)) for old, new in renamed.items()]
            for name, content in entries:
                info = zipfile.ZipInfo(name, date_time=_STAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, content, compresslevel=6)
    return out.getvalue()


def _rename(node: Any, renamed: dict[str, str], ids: dict[int, int]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "file" and isinstance(value, str):
                suffix = value.rsplit(".", 1)[-1]
                value = renamed.setdefault(value, f"{len(renamed)}.{suffix}")
            elif key == "__id__" and isinstance(value, int):
                value = ids.setdefault(value, len(ids) + 1)  # skops does not memoize an id of 0
            else:
                value = _rename(value, renamed, ids)
            out[key] = value
        return out
    if isinstance(node, list):
        return [_rename(item, renamed, ids) for item in node]
    return node
