"""What the user chose for an import; stored on the job so a resumed job behaves the same."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportOptions:
    # Safe by default: an existing contact is only overwritten when asked for.
    update_existing: bool = False
    tag_ids: tuple[int, ...] = ()
    list_ids: tuple[int, ...] = ()
    dry_run: bool = False

    def to_params(self, *, separator: str) -> dict[str, Any]:
        return {
            "update_existing": self.update_existing,
            "tag_ids": list(self.tag_ids),
            "list_ids": list(self.list_ids),
            "dry_run": self.dry_run,
            "separator": separator,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "ImportOptions":
        return cls(
            update_existing=bool(params.get("update_existing", False)),
            tag_ids=tuple(params.get("tag_ids") or ()),
            list_ids=tuple(params.get("list_ids") or ()),
            dry_run=bool(params.get("dry_run", False)),
        )
