"""The physical baseline of the registry pages: the raw indexed SQL for the same filters, run with the
database driver (sqlite3 or psycopg) from the same number of threads as the HTTP clients.

`bench/registry.py` measures each page over HTTP, then the same plan here, and prints the ratio of
the two. What a baseline request does is what the page shows, and nothing else:

- the public register: the page of 25 rows (name, organisation, country, category) for the
  filters, sort and page asked, and the number of matches as the page states it (counted up to
  `registry_query.COUNT_CAP` + 1: past the cap the page says "more than 10,000");
- the focal point roster: the page of 25 consenting people of the country with their contact
  details and means of communication, the number listed, the number in the country, the number
  matching the filters, and the three breakdowns over the country.

No ORM, no Flask, no HTML: the difference to the HTTP figure is the platform's cost.
"""

from __future__ import annotations

import os
import queue
import re
import sqlite3
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from core.text import contains_pattern, search_key
from stakeholders.registry_query import COUNT_CAP, FEW_NAME_MATCHES

PER_PAGE = 25
SORTS = {
    "name": "s.search_name, s.id",
    "-name": "s.search_name DESC, s.id DESC",
    "country": "s.country, s.search_name, s.id",
    "category": "s.category, s.search_name, s.id",
    "organisation": "o.search_name, s.search_name, s.id",
    "newest": "s.created_at DESC, s.id DESC",
    "oldest": "s.created_at, s.id",
}
FROM = "FROM stakeholder s LEFT JOIN organisation o ON o.id = s.organisation_id"
PUBLIC = (
    "s.erased_at IS NULL AND s.public_listing AND s.is_active AND (s.organisation_id IS NULL OR o.status = 'approved')"
)


def _conditions(args: dict, scope: str, params: dict) -> list[str]:
    where = [scope]
    if args.get("q"):
        key = search_key(args["q"])
        params["like"] = contains_pattern(key)
        if args.get("name_index"):
            params["phrase"] = '"' + key.replace('"', '""') + '"'
        by_name = (  # SQLite's trigram index when the matches are few, as the page does
            "s.id IN (SELECT rowid FROM fts_stakeholder_name WHERE search_name MATCH :phrase)"
            if args.get("name_index")
            else "s.search_name LIKE :like ESCAPE '\\'"
        )
        organisations = args.get("organisation_ids")
        if organisations:  # a literal list: PostgreSQL then uses its trigram and organisation indexes
            where.append(f"({by_name} OR s.organisation_id IN ({', '.join(map(str, organisations))}))")
        else:
            where.append(by_name)
    if args.get("country"):
        params["country"] = args["country"]
        where.append("s.country = :country")
    if args.get("region"):
        params["region"] = args["region"]
        where.append("s.country IN (SELECT iso2 FROM country WHERE regional_group = :region)")
    for name in ("category", "stakeholder_type", "gender"):
        if args.get(name):
            params[name] = args[name]
            where.append(f"s.{name} = :{name}")
    if args.get("knowledge_system"):
        params["ks"] = args["knowledge_system"]
        where.append(
            "s.id IN (SELECT stakeholder_id FROM stakeholderattribute WHERE field = 'knowledge_system' AND code = :ks)"
        )
    return where


def register_queries(args: dict) -> list[tuple[str, dict]]:
    """The SQL that answers one public register request: its page of rows, and its capped count."""
    params: dict = {}
    where = " AND ".join(_conditions(args, PUBLIC, params))
    offset = (int(args.get("page", 1)) - 1) * PER_PAGE
    order = SORTS.get(args.get("sort", "name"), SORTS["name"])
    # Sort and skip on the narrow rows (an index serves them), then read the wide columns of 25.
    ids = f"SELECT s.id {FROM} WHERE {where} ORDER BY {order} LIMIT {PER_PAGE + 1} OFFSET {offset}"
    rows = (
        f"SELECT s.id, u.name, o.id, o.name, s.country, s.category {FROM} "
        f"LEFT JOIN user_account u ON u.id = s.user_id WHERE s.id IN ({ids}) ORDER BY {order}"
    )
    count = f"SELECT count(*) FROM (SELECT 1 {FROM} WHERE {where} LIMIT {COUNT_CAP + 1}) AS capped"
    return [(rows, params), (count, params)]


def roster_queries(args: dict, country: str) -> list[tuple[str, dict]]:
    """The SQL that answers one roster request for the focal point of `country`."""
    active = "s.erased_at IS NULL AND s.country = :fp_country AND s.is_active"
    shared = f"{active} AND s.share_with_focal_point"
    params: dict = {"fp_country": country}
    where = " AND ".join(_conditions(args, shared, params))
    offset = (int(args.get("page", 1)) - 1) * PER_PAGE
    order = SORTS.get(args.get("sort", "name"), SORTS["name"])
    page = f"SELECT s.id {FROM} WHERE {where} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {offset}"
    unnamed = {k: v for k, v in args.items() if k not in ("q", "page", "sort", "organisation_ids")}
    matching = " AND ".join(_conditions(unnamed, active, params))
    queries = [
        (
            f"SELECT s.id, u.name, u.email, o.name, s.job_title, s.phone, s.preferred_language, s.category, "
            f"s.stakeholder_type, s.gender {FROM} LEFT JOIN user_account u ON u.id = s.user_id "
            f"WHERE s.id IN ({page}) ORDER BY {order}",
            params,
        ),
        (
            "SELECT a.stakeholder_id, a.code FROM stakeholderattribute a "
            f"WHERE a.field = 'communication' AND a.stakeholder_id IN ({page})",
            params,
        ),
        (f"SELECT count(*) {FROM} WHERE {where}", params),
        (f"SELECT count(*) FROM stakeholder s WHERE {active}", params),
        (f"SELECT count(*) {FROM} WHERE {matching}", params),
    ]
    queries += [
        (f"SELECT s.{column}, count(*) FROM stakeholder s WHERE {active} GROUP BY s.{column}", params)
        for column in ("category", "gender")
    ]
    queries.append(
        (
            "SELECT a.code, count(*) FROM stakeholder s JOIN stakeholderattribute a ON a.stakeholder_id = s.id "
            f"AND a.field = 'knowledge_system' WHERE {active} GROUP BY a.code",
            params,
        )
    )
    return queries


def _connect(url: str):
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.split("///", 1)[1], check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection, lambda sql: sql
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    connection = psycopg.connect(dsn, autocommit=True)
    return connection, lambda sql: re.sub(r":(\w+)", r"%(\1)s", sql)


@dataclass
class Baseline:
    latencies: list[float]  # seconds per request, all its queries
    wall: float


def measure(url: str, plan: list[tuple[str, list[tuple[str, dict]]]], concurrency: int) -> Baseline:
    """Run each request's queries from `concurrency` threads, each on a connection of its own,
    opened and warmed (its first request run once) before the clock starts."""
    pool: queue.SimpleQueue = queue.SimpleQueue()
    opened = [_connect(url) for _ in range(concurrency)]
    for connection, adapt in opened:
        for item in plan[: min(8, len(plan))]:  # the caches warm, as the HTTP run's are; not counted
            _run(connection, adapt, item[1])
        pool.put((connection, adapt))

    def timed(item) -> float:
        connection, adapt = pool.get()
        try:
            begun = time.perf_counter()
            _run(connection, adapt, item[1])
            return time.perf_counter() - begun
        finally:
            pool.put((connection, adapt))

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as executor:
            latencies = list(executor.map(timed, plan))
        return Baseline(latencies, time.perf_counter() - started)
    finally:
        for connection, _adapt in opened:
            connection.close()


def _run(connection, adapt, queries: list[tuple[str, dict]]) -> None:
    with closing(connection.cursor()) as cursor:
        for sql, params in queries:
            cursor.execute(adapt(sql), params)
            cursor.fetchall()


def args_of(url: str, path: str) -> dict:
    """The query-string arguments of a planned request's path; a name search also gets the ids of
    the organisations whose name matches (`organisation_ids`), looked up once here, not timed."""
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    if args.get("q"):
        like = contains_pattern(search_key(args["q"]))
        key = (url, like)  # per database: `--backend both` plans SQLite, then PostgreSQL, in one process
        if key not in _ORGANISATIONS:
            connection, adapt = _connect(url)
            with closing(connection):
                cursor = connection.cursor()
                cursor.execute(
                    adapt("SELECT id FROM organisation WHERE search_name LIKE :like ESCAPE '\\'"), {"like": like}
                )
                _ORGANISATIONS[key] = [row[0] for row in cursor.fetchall()]
                _NAME_INDEX[key] = url.startswith("sqlite") and _few_by_name(cursor, search_key(args["q"]))
        args["organisation_ids"] = _ORGANISATIONS[key]
        args["name_index"] = _NAME_INDEX[key]
    return args


def _few_by_name(cursor, key: str) -> bool:
    """Whether the page reads this name search from SQLite's trigram index (`registry_query`)."""
    if len(key) < 3:  # no trigram
        return False
    cursor.execute(
        "SELECT count(*) FROM (SELECT rowid FROM fts_stakeholder_name WHERE search_name MATCH ? LIMIT ?)",
        ('"' + key.replace('"', '""') + '"', FEW_NAME_MATCHES + 1),
    )
    return cursor.fetchone()[0] <= FEW_NAME_MATCHES


_ORGANISATIONS: dict[tuple[str, str], list[int]] = {}
_NAME_INDEX: dict[tuple[str, str], bool] = {}


# --- the machine beside the figures -------------------------------------------------------------


def load_average() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a live process and its live children, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total
