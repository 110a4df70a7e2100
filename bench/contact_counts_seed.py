"""Seeding for bench/contact_counts.py: a workspace of N contacts written by plain SQL on PostgreSQL.

INSERT ... SELECT FROM generate_series, so the seeding is a "raw SQL bulk loader": the triggers keep
the maintained counts exact without the application's help (the bench checks that against a full
count). Distributions, fixed by setseed: 25% never active, the rest active over the last 400 days
(so every status band is populated), 3% suspended and 1% hard-bounced; 30 tags (a contact has 0-3),
8 lists, 6 groups; names from a small pool, so that a search such as "maria" matches about 1 in 24.
"""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.text import fold

FIRST = ["maria", "jose", "ana", "joao", "lucia", "pedro", "sofia", "diego", "carla", "bruno", "elena", "mateo"]
LAST = ["perez", "gomez", "silva", "costa", "ruiz", "diaz", "lopez", "souza"]
TAGS, LISTS, GROUPS = 30, 8, 6


async def seed_workspace(connection: AsyncConnection, *, slug: str, contacts: int, now: datetime) -> int:
    """Create a workspace with `contacts` contacts and its catalogue; returns the workspace id."""
    ws = (await connection.execute(
        text("INSERT INTO workspace (name, slug, created_at) VALUES (:s, :s, :now) RETURNING id"), {"s": slug, "now": now}
    )).scalar_one()
    p = {"ws": ws, "now": now}
    for table, count, prefix in (("tag", TAGS, "tag"), ("contact_list", LISTS, "list"), ("contact_group", GROUPS, "group")):
        await connection.execute(text(
            # Lower-case ASCII names ("tag 01"): each is its own folded name_key.
            f"INSERT INTO {table} (workspace_id, name, name_key, created_at) "
            f"SELECT :ws, '{prefix} ' || lpad(g::text, 2, '0'), '{prefix} ' || lpad(g::text, 2, '0'), :now "
            f"FROM generate_series(1, {count}) g"), p)
    await connection.execute(text("SELECT setseed(0.42)"))
    W, T = "CAST(:ws AS integer)", "CAST(:now AS timestamptz)"  # typed: asyncpg infers nothing here
    first = "ARRAY[" + ",".join(f"'{n}'" for n in FIRST) + "]"
    last = "ARRAY[" + ",".join(f"'{n}'" for n in LAST) + "]"
    await connection.execute(text(f"""
        INSERT INTO contact (workspace_id, name, name_key, search_text, email, origin, contact_since,
                             last_activity_at, discard_reason, discarded_at, created_at, updated_at)
        SELECT {W}, initcap(n), n, n || ' ' || e, e, 'API', {T} - (g % 1500) * interval '1 day' - g * interval '1 second',
               CASE WHEN r1 < 0.25 THEN NULL ELSE {T} - r2 * interval '400 days' END,
               CASE WHEN r3 < 0.03 THEN 'SUSPENDED' WHEN r3 < 0.04 THEN 'HARD_BOUNCE' END,
               CASE WHEN r3 < 0.04 THEN {T} END, {T}, {T}
        FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3,
                     ({first})[1 + g % {len(FIRST)}] || ' ' || ({last})[1 + (g / {len(FIRST)}) % {len(LAST)}] || ' ' || g AS n,
                     'c' || g || '@w' || {W} || '.example' AS e
              FROM generate_series(1, {contacts}) g) AS s"""), p)
    for table, column, target, count, shares in (
        ("contact_tag", "tag_id", "tag", TAGS, (2, 3, 5)),
        ("contact_list_member", "list_id", "contact_list", LISTS, (3,)),
        ("contact_group_member", "group_id", "contact_group", GROUPS, (4,)),
    ):
        for k, share in enumerate(shares):
            # Every `share`-th contact joins one of the targets (skewed: low-numbered targets are bigger).
            await connection.execute(text(f"""
                INSERT INTO {table} (contact_id, {column}, workspace_id, created_at)
                SELECT c.id, t.ids[1 + ((c.id * (7 + {k})) % (c.id % {count} + 1))], :ws, :now
                FROM contact c, (SELECT array_agg(id ORDER BY id) AS ids FROM {target} WHERE workspace_id = :ws) t
                WHERE c.workspace_id = :ws AND c.id % {share} = 0
                ON CONFLICT DO NOTHING"""), p)
    tag = (await connection.execute(text("SELECT min(id) FROM tag WHERE workspace_id = :ws"), p)).scalar_one()
    segments = [
        ("new vip", f'{{"status": ["NEW"], "tagIds": [{tag}]}}', None),
        ("tagged", f'{{"tagIds": [{tag}]}}', None),
        ("dormant", '{"status": ["DORMANT"]}', None),
        ("marias", "{}", "maria"),
    ]
    for name, filter_json, search in segments:
        await connection.execute(text(
            "INSERT INTO segment (workspace_id, name, name_key, filter, search, created_at) "
            "VALUES (:ws, :n, :k, CAST(:f AS json), :s, :now)"),
            {**p, "n": name, "k": fold(name), "f": filter_json, "s": search})
    return ws
