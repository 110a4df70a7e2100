"""Speed of the CSV import: a realistic 100k-row file into a fresh database, through the import job.

    python bench/import_csv.py                         # SQLite file in a temp dir
    python bench/import_csv.py --rows 20000
    python bench/import_csv.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

The file has accented names, `;`-separated tags, lists, companies, custom fields of every type,
about 1% bad rows and 1% in-file duplicates. It is imported twice: first into an empty workspace,
then again with updateExisting (which must change nothing). Each run goes through the same code as
`rapport import`: the service queues the job, the runner's run_batch works it off. PostgreSQL runs
in a scratch database that is dropped afterwards.

After the first import, the baseline writes the same rows the plain way, and the ratio is printed:
- PostgreSQL: one INSERT ... SELECT per table copies what the import stored (contacts, channels,
  tags, lists, custom values) into copies of those five tables with every index (`LIKE ... INCLUDING
  ALL`), in one transaction;
- SQLite: one executemany of the file's rows (name, e-mail, phone, language, company, department,
  city) into a table with the two unique keys a contact has (workspace + e-mail, workspace + phone).
"""

import argparse
import asyncio
import csv
import io
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain import models  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.db import create_engine, create_postgres_database, drop_postgres_database, session_factory  # noqa: E402
from domain.demo.companies import company_names, slug  # noqa: E402
from domain.demo.names import compose_name  # noqa: E402
from domain.enums import CustomFieldType, Role  # noqa: E402
from domain.imports.local import import_file  # noqa: E402
from domain.imports.options import ImportOptions  # noqa: E402
from domain.migrate import upgrade  # noqa: E402

HEADER = ["Nombre", "E-mail", "Teléfono", "Idioma", "Empresa", "Departamento", "Tags", "Listas",
          "cf.city", "plan", "Birthday", "lifetime_value", "newsletter"]
CITIES = ["Rosario", "São Paulo", "Córdoba", "Medellín", "Lisboa", "Málaga", "Curitiba", "Bogotá", "Londres"]
TAGS = ["vip", "newsletter", "cliente frecuente", "atención", "black friday", "prospect", "b2b"]
LISTS = ["Campaña Navidad", "Clientes 2026", "Newsletter semanal"]
DEPARTMENTS = ["Compras", "Ventas", "Marketing", "Soporte", "Finanzas"]
RUNS = (("first import", False), ("re-run, updateExisting", True))
BAD = [
    ("E-mail", "maria.perez@"), ("Teléfono", "12345"), ("Birthday", "31/02/1990"), ("Nombre", "  "),
    ("plan", "platinum"),
]
DOMAINS = ["gmail.com", "empresa.example", "mail.example"]
FIELDS = (
    ("city", CustomFieldType.TEXT, None), ("plan", CustomFieldType.CHOICE, ["free", "pro", "gold"]),
    ("birthday", CustomFieldType.DATE, None), ("lifetime_value", CustomFieldType.NUMBER, None),
    ("newsletter", CustomFieldType.BOOLEAN, None),
)


def _phone(i: int, country: int) -> str:
    n = f"{i:08d}"
    return [f"+54 9 11 {n[:4]}-{n[4:]}", f"+55 11 9{n[:4]}-{n[4:]}", f"+34 6{n[:2]} {n[2:5]} {n[5:]}",
            f"+44 7{n[:3]} {n[3:]}"][country]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    companies = [n for n, _ in company_names(rng, {"es": 0.5, "pt": 0.3, "en": 0.2}, 400)]
    written: list[list[str]] = []
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            if written and rng.random() < 0.01:  # an earlier contact again, maybe with another spelling
                again = list(rng.choice(written))
                again[1] = again[1].upper()
                out.writerow(again)
                continue
            language = rng.choices(["es", "pt", "en"], weights=[5, 3, 2])[0]
            name, first = compose_name(rng, language)
            email = f"{slug(first)}.{slug(name.split()[-1])}.{i}@{rng.choice(DOMAINS)}"
            row = [
                name, email, _phone(i, rng.randrange(4)), language, rng.choice(companies),
                rng.choice(DEPARTMENTS), "; ".join(rng.sample(TAGS, rng.randrange(0, 3))),
                rng.choice(LISTS) if rng.random() < 0.3 else "", rng.choice(CITIES),
                rng.choice(["free", "pro", "gold"]),
                (date(1960, 1, 1) + timedelta(days=rng.randrange(16000))).isoformat() if rng.random() < 0.6 else "",
                f"{rng.uniform(0, 5000):.2f}", rng.choice(["sí", "no", "true", ""]),
            ]
            if rng.random() < 0.01:
                column, value = rng.choice(BAD)
                row[HEADER.index(column)] = value
            written.append(row)
            out.writerow(row)


async def prepare(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    now = datetime.now(UTC)
    async with session_factory(engine)() as session, session.begin():
        ws = models.Workspace(name="Bench", slug="bench", created_at=now)
        session.add(ws)
        await session.flush()
        session.add(
            models.User(workspace_id=ws.id, name="Admin", email="admin@bench.example", role=Role.ADMIN, created_at=now)
        )
        for key, kind, choices in FIELDS:
            session.add(
                models.CustomFieldDefinition(workspace_id=ws.id, key=key, label=key.title(), type=kind, choices=choices)
            )
    await engine.dispose()


async def run(url: str, data: bytes, update_existing: bool) -> tuple[float, models.Job]:
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        done = await import_file(
            session_factory(engine), SystemClock(), slug="bench", filename="contacts.csv", data=data,
            options=ImportOptions(update_existing=update_existing),
        )
        seconds = time.perf_counter() - started
        async with engine.connect() as connection:
            contacts = await connection.scalar(select(func.count()).select_from(models.Contact))
        print(f"  contacts in the database: {contacts}")
        return seconds, done.job
    finally:
        await engine.dispose()


BASELINE_TABLES = ("contact", "channel_subscription", "contact_tag", "contact_list_member", "custom_field_value")


async def baseline(url: str, data: bytes) -> tuple[float, int]:
    """The same rows written the plain way (see the module's docstring): (seconds, rows written)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as c:
            if engine.dialect.name == "postgresql":
                for table in BASELINE_TABLES:
                    await c.execute(text(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)"))
            else:
                await c.execute(text(
                    "CREATE TABLE bench_contact (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, name TEXT, "
                    "email TEXT, phone TEXT, language TEXT, company TEXT, department TEXT, city TEXT)"))
                await c.execute(text("CREATE UNIQUE INDEX bench_email ON bench_contact (workspace_id, email)"))
                await c.execute(text("CREATE UNIQUE INDEX bench_phone ON bench_contact (workspace_id, phone)"))
        started = time.perf_counter()
        written = 0
        async with engine.begin() as c:
            if engine.dialect.name == "postgresql":
                for table in BASELINE_TABLES:
                    written += (await c.execute(text(f"INSERT INTO bench_{table} SELECT * FROM {table}"))).rowcount
            else:
                reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
                next(reader)
                rows, seen = [], set()
                for cells in reader:  # the file's rows, first of each e-mail and phone (the unique keys)
                    email, phone = cells[1].strip().lower(), "".join(ch for ch in cells[2] if ch.isdigit() or ch == "+")
                    if email in seen or phone in seen:
                        continue
                    seen.update((email, phone))
                    rows.append((1, cells[0], email, phone, cells[3], cells[4], cells[5], cells[8]))
                raw = (await c.get_raw_connection()).driver_connection
                await raw.executemany(
                    "INSERT INTO bench_contact (workspace_id, name, email, phone, language, company, department, city) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                written = len(rows)
        return time.perf_counter() - started, written
    finally:
        await engine.dispose()


async def scratch_postgres(base: str) -> tuple[str, str]:
    name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
    return await create_postgres_database(base, name), name


async def drop_postgres(base: str, name: str) -> None:
    await drop_postgres_database(base, name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (a scratch database on this server)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rapport-import-") as tmp:
        path = Path(tmp) / "contacts.csv"
        write_csv(path, args.rows)
        data = path.read_bytes()
        print(f"file: {args.rows} data rows, {len(data) / 1e6:.1f} MB")
        targets = [("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", None)]
        if args.postgres:
            url, name = await scratch_postgres(args.postgres)
            targets.append(("postgresql", url, name))
        for engine_name, url, scratch in targets:
            try:
                await prepare(url)
                first = 0.0
                for label, update in RUNS:
                    print(f"{engine_name}: {label}")
                    seconds, job = await run(url, data, update)
                    print(f"  {job.status.value}: created {job.created}, updated {job.updated}, skipped {job.skipped}, "
                          f"failed {job.failed} of {job.total}")
                    print(f"  {seconds:.2f} s, {job.total / seconds:,.0f} rows/s")
                    first = first or seconds
                floor, written = await baseline(url, data)
                how = ("INSERT ... SELECT into copies of the five tables" if engine_name == "postgresql"
                       else "executemany into a table with the two unique keys")
                print(f"  baseline, {how}: {written:,} rows in {floor:.2f} s; the first import took {first / floor:.1f}x")
            finally:
                if scratch:
                    await drop_postgres(args.postgres, scratch)


if __name__ == "__main__":
    asyncio.run(main())
