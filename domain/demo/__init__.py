"""Realistic demo data: two workspaces of contacts with messages, conversations and support history.

Entry point: `load_demo` (used by `rapport demo`), in `load`. Vocabularies live in `names`,
`places`, `companies`, `products`, `profiles`, `support_text` and `dialogues_*`; what a contact is
like is decided in `traits` and `timeline`; its rows are built by `contact_rows` with `people`,
`events`, `support_rows` and `profile_rows`; database work is in `store`, `ids` and `keys`.
"""

from domain.demo.load import DemoWorkspace, load_demo

__all__ = ["DemoWorkspace", "load_demo"]
