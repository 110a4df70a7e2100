"""Model versions on disk: models/<version>/ with the artifact, its manifest and a model card.

An artifact is a skops file (`ml.artifact`), never a pickle: loading builds only trusted types, so a
replaced artifact is refused (MODEL_INVALID) before anything in it runs, whatever its manifest says.
Its sha256 is still checked against the manifest first, to catch a damaged copy. Versions written
before (manifest format 1, joblib pickles) are refused unread: retrain them.
"""

import hashlib
import importlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml import artifact as artifacts
from ml import lexicon
from ml.protocol import SatisfactionModel

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MANIFEST = "manifest.json"
ARTIFACT = "model.skops"
CARD = "MODEL_CARD.md"
MANIFEST_FORMAT = 2
KIND = "ml.sklearn_model:PipelineModel"
# What the features of a model are computed by; a model trained with other code reads wrongly.
FEATURES_VERSION = 2
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_IMPORT_SPEC = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class ModelError(Exception):
    """A model that cannot serve. `code` is NOT_FOUND (no such version) or MODEL_INVALID."""

    def __init__(self, message: str, *, code: str = "MODEL_INVALID") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ModelInfo:
    version: str
    path: Path
    manifest: dict[str, Any]

    @property
    def created_at(self) -> str | None:
        return self.manifest.get("created_at")

    @property
    def trained_on(self) -> str | None:
        data = self.manifest.get("training_data") or {}
        return data.get("description")

    @property
    def metrics(self) -> dict[str, float]:
        """Headline figures on the held-out part (empty when trained without one)."""
        return dict((self.manifest.get("metrics") or {}).get("heldout_headline") or {})


def check_version(version: str) -> str:
    if not VERSION_PATTERN.match(version or ""):
        raise ModelError(
            f"invalid model version {version!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            code="BAD_USER_INPUT",
        )
    return version


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelError(f"{directory} has no {MANIFEST}", code="NOT_FOUND")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} is not readable JSON: {exc}") from None
    if isinstance(manifest, dict) and manifest.get("format") == 1:
        raise ModelError(
            f"{path}: a format 1 version (a joblib pickle, which would run code when loaded) is no longer"
            " loaded; retrain it with `rapport model train`"
        )
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("artifact"), dict):
        raise ModelError(f"{path} is not a Rapport model manifest (format {MANIFEST_FORMAT})")
    return manifest


def list_models(models_dir: Path = DEFAULT_MODELS_DIR) -> list[ModelInfo]:
    """Every version directory with a readable manifest naming it, newest first (others are skipped)."""
    found = []
    if models_dir.is_dir():
        for directory in models_dir.iterdir():
            if directory.is_dir() and VERSION_PATTERN.match(directory.name):
                try:
                    manifest = read_manifest(directory)
                except ModelError:
                    continue
                if manifest.get("version") != directory.name:
                    continue  # refused by find(): a version is named by its folder and its manifest alike
                found.append(ModelInfo(directory.name, directory, manifest))
    return sorted(found, key=lambda m: (m.created_at or "", m.version), reverse=True)


def find(version: str, models_dir: Path = DEFAULT_MODELS_DIR) -> ModelInfo:
    directory = models_dir / check_version(version)
    if not directory.is_dir():
        raise ModelError(f"no model version {version!r} in {models_dir}", code="NOT_FOUND")
    manifest = read_manifest(directory)
    if manifest.get("version") != version:
        raise ModelError(
            f"{directory}: its manifest names version {manifest.get('version')!r}; a version's folder must carry"
            " its name (train a new version instead of copying one)"
        )
    return ModelInfo(version, directory, manifest)


def verified_artifact(directory: Path, manifest: dict[str, Any]) -> Path:
    name = str(manifest["artifact"].get("file", ""))
    artifact = directory / name
    if name != ARTIFACT or not artifact.is_file():
        raise ModelError(f"{directory}: artifact {name!r} is missing (a version holds {ARTIFACT})")
    actual = sha256_of(artifact)
    if actual != manifest["artifact"].get("sha256"):
        raise ModelError(
            f"{artifact}: sha256 {actual[:12]}… does not match the manifest's {str(manifest['artifact'].get('sha256'))[:12]}…;"
            " the file was changed or damaged, refusing to load it"
        )
    return artifact


def check_features(manifest: dict[str, Any], where: Path) -> None:
    """A model reads correctly only with the feature code and lexicon it was trained with."""
    recorded = manifest.get("features") or {}
    if manifest.get("kind") != KIND:
        raise ModelError(f"{where}: kind {manifest.get('kind')!r} is not {KIND}")
    if recorded.get("version") != FEATURES_VERSION:
        raise ModelError(f"{where}: trained with features version {recorded.get('version')}, this code computes {FEATURES_VERSION}; retrain it")
    if recorded.get("lexicon_sha256") != lexicon.digest():
        raise ModelError(f"{where}: trained with another polarity lexicon (ml/lexicon changed since); retrain it")
    if recorded.get("text_sha256") != text_digest():
        raise ModelError(f"{where}: trained with other text features (stop words, character n-grams or text length); retrain it")


def text_digest() -> str:
    """sha256 of what the n-grams depend on besides the code: stop words, character n-gram sizes, text length."""
    from ml.analysis import CHAR_RANGE
    from ml.stopwords import STOP_WORDS
    from ml.text import TEXT_CHARS

    return hashlib.sha256(json.dumps([sorted(STOP_WORDS), list(CHAR_RANGE), TEXT_CHARS]).encode()).hexdigest()


def features_record() -> dict[str, Any]:
    return {"version": FEATURES_VERSION, "lexicon_sha256": lexicon.digest(), "text_sha256": text_digest()}


# Pipelines already read in this process, by their artifact's verified sha256: reading a skops file takes
# most of a second, and a pipeline is only read from (predict), so every model server of the process may
# share it. A changed file has another sha256, so it is read (and judged) afresh.
_LOADED: dict[str, object] = {}
_LOADED_MAX = 8


def load_directory(directory: Path) -> SatisfactionModel:
    from ml.sklearn_model import PipelineModel

    manifest = read_manifest(directory)
    artifact = verified_artifact(directory, manifest)
    check_features(manifest, directory)
    digest = manifest["artifact"]["sha256"]  # verified_artifact checked the file against it just now
    pipeline = _LOADED.get(digest)
    if pipeline is None:
        try:
            pipeline = artifacts.load(artifact)
        except artifacts.ArtifactError as exc:
            raise ModelError(f"{artifact}: {exc}; refusing to load it") from None
        _LOADED[digest] = pipeline
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
    version = manifest.get("version", directory.name)
    try:
        model = PipelineModel(pipeline, version=version, level=str(manifest.get("level", "turn")))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{artifact}: is not a satisfaction model ({type(exc).__name__}: {exc})") from None
    return _checked_model(model, version)


def load_import_spec(spec: str) -> SatisfactionModel:
    """`package.module:factory`: call factory() for a custom model.

    The module is imported like uvicorn imports an app: installed, or found from the working directory.
    """
    if not _IMPORT_SPEC.match(spec):
        raise ModelError(f"invalid import spec {spec!r}; expected package.module:factory", code="BAD_USER_INPUT")
    module_name, factory_name = spec.split(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
        model = factory()
    except Exception as exc:  # noqa: BLE001 - a custom model that does not build cannot serve
        raise ModelError(f"custom model {spec} failed to load ({type(exc).__name__}: {exc})") from exc
    return _checked_model(model, spec)


def _checked_model(model: object, name: str) -> SatisfactionModel:
    if not isinstance(model, SatisfactionModel) or not isinstance(getattr(model, "version", None), str):
        raise ModelError(f"{name} is not a satisfaction model: it needs a `version` string and a `predict` method")
    return model


def load(spec: str, models_dir: Path = DEFAULT_MODELS_DIR) -> SatisfactionModel:
    """A version in `models_dir`, a model directory, or a `package.module:factory` import spec."""
    if ":" in spec:
        return load_import_spec(spec)
    path = Path(spec)
    if path.is_dir() and (path / MANIFEST).is_file():
        return load_directory(path)
    return load_directory(find(spec, models_dir).path)


def write(directory: Path, pipeline: object, manifest: dict[str, Any], card: str) -> dict[str, Any]:
    """Write the artifact (skops), then the manifest carrying its sha256, then the card."""
    directory.mkdir(parents=True, exist_ok=False)
    artifact = directory / ARTIFACT
    artifacts.dump(pipeline, artifact)  # type: ignore[arg-type]
    manifest = {
        "format": MANIFEST_FORMAT,
        **manifest,
        "kind": KIND,
        "features": features_record(),
        "artifact": {"file": ARTIFACT, "format": "skops", "sha256": sha256_of(artifact), "bytes": artifact.stat().st_size},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (directory / CARD).write_text(card, encoding="utf-8")
    return manifest
