"""Printing bench/peers.py's figures: the machine, latency and statement tables, throughput and ratios."""

from __future__ import annotations

import os
from bench.peers_measure import Latencies, Throughput, percentile


def machine_line() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def ratio(a: float, b: float) -> str:
    if not (a == a and b == b) or b == 0:  # NaN or nothing to divide by
        return "-"
    return f"{a / b:.2f}x"


def latency_table(results: list[tuple[str, Latencies]], statements: dict[str, dict[str, float]],
                  excluded: dict[str, dict[str, str]]) -> None:
    print("\nLatency, one client, interleaved (ms); statements per request; ratio Rapport / hand-written")
    header = (f"{'case':<30}{'n':>5}{'Rapport p50':>12}{'p95':>8}{'hand p50':>10}{'p95':>8}{'PG p50':>8}{'p95':>8}"
              f"{'p50 x':>8}{'p95 x':>8}{'stmts R/H':>11}")
    print(header)
    print("-" * len(header))
    for name, lat in results:
        def cell(server: str, q: float) -> float:
            values = lat.seconds.get(server) or []
            return percentile(values, q) * 1000 if values else float("nan")

        r50, r95, h50, h95 = cell("Rapport", .5), cell("Rapport", .95), cell("hand-written", .5), cell("hand-written", .95)
        p50, p95 = cell("PostGraphile", .5), cell("PostGraphile", .95)
        n = len(lat.seconds.get("Rapport") or [])
        counted = statements.get(name, {})
        stmts = f"{counted.get('Rapport', float('nan')):.0f}/{counted.get('hand-written', float('nan')):.0f}"

        def ms(v: float) -> str:
            return f"{v:.1f}" if v == v else "-"

        print(f"{name[:29]:<30}{n:>5}{ms(r50):>12}{ms(r95):>8}{ms(h50):>10}{ms(h95):>8}{ms(p50):>8}{ms(p95):>8}"
              f"{ratio(r50, h50):>8}{ratio(r95, h95):>8}{stmts:>11}")
        errors = {s: e for s, e in lat.errors.items() if e}
        if errors:
            print(f"    answers with errors: {errors}")
    for name, why in excluded.items():
        for server, reason in why.items():
            print(f"  not timed: {name} on {server}: {reason}")


def throughput_table(title: str, results: dict[tuple[str, int], dict[str, Throughput]], levels: list[int]) -> None:
    print(f"\n{title}")
    servers: list[str] = []
    for by_server in results.values():
        servers += [s for s in by_server if s not in servers]
    header = f"{'operation':<30}{'clients':>8}" + "".join(f"{s[:14]:>16}" for s in servers)
    header += f"{'Rapport/PostGraphile':>22}{'Rapport/hand-written':>22}"
    print(header)
    print("-" * len(header))
    for (operation, clients), by_server in results.items():
        cells = ""
        for s in servers:
            t = by_server.get(s)
            cells += f"{(f'{t.requests_per_second:.1f}' + ('*' if t.non_200 or t.note else '')) if t else '-':>16}"
        rapport = next((t.requests_per_second for s, t in by_server.items() if s.startswith("Rapport")), float("nan"))
        pg = by_server.get("PostGraphile")
        hand = by_server.get("hand-written")
        print(f"{operation[:29]:<30}{clients:>8}{cells}"
              f"{ratio(rapport, pg.requests_per_second if pg else float('nan')):>22}"
              f"{ratio(rapport, hand.requests_per_second if hand else float('nan')):>22}")
    flagged = [(k, s, t) for k, by in results.items() for s, t in by.items() if t.non_200 or t.note]
    for (operation, clients), server, t in flagged:
        print(f"  * {server}, {operation}, {clients} clients: {t.non_200} non-200 answers {t.note}")
