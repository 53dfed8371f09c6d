"""The commerce store's one small interface and its two real backends.

`SqliteStore` (embedded default, one file) and `PostgresStore` (production) both hand out a `Tx`
from `read()` / `write()`; the tools speak portable SQL with `?` placeholders through it. Writers
serialise per order: SQLite takes the database write lock at BEGIN IMMEDIATE, PostgreSQL locks the
rows the tool reads with `Tx.for_update`.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol
from urllib.parse import urlparse

from tools.errors import StoreUnavailable


class Tx(Protocol):
    for_update: str  # appended to a SELECT that reads a row the transaction will change

    def one(self, sql: str, *params) -> tuple | None: ...
    def all(self, sql: str, *params) -> list[tuple]: ...
    def run(self, sql: str, *params) -> int: ...
    def run_many(self, sql: str, rows: list[tuple]) -> None: ...


class Store(Protocol):
    url: str

    def read(self) -> Iterator[Tx]: ...
    def write(self, exclusive: bool = False) -> Iterator[Tx]: ...
    def ping(self) -> None:
        """Raises StoreUnavailable unless the database answers."""
    def close(self) -> None: ...


class _SqliteTx:
    for_update = ""  # the whole file is write-locked from BEGIN IMMEDIATE on

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def one(self, sql, *params):
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql, *params):
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql, *params):
        return self.conn.execute(sql, params).rowcount

    def run_many(self, sql, rows):
        self.conn.executemany(sql, rows)


class _ConnectionPerThread:
    """One database connection per thread, opened on first use; close() closes them all."""

    def __init__(self):
        self._local = threading.local()
        self._opened: list = []
        self._lock = threading.Lock()

    def _open(self):
        raise NotImplementedError

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(conn, "closed", False):
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def ping(self) -> None:
        with self.read() as tx:
            tx.one("SELECT 1")

    def close(self):
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()
        self._local = threading.local()


# SQLite's primary result codes that say the file cannot be used right now, not that a statement is wrong
# (SQLITE_ERROR: no such table, a syntax error, is a defect and stays one)
_SQLITE_OUTAGES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR,
                   sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_NOMEM}


@contextmanager
def _outage_as_unavailable(is_outage):
    """A driver's outage becomes the one typed StoreUnavailable the tools and the turn know, whichever backend."""
    try:
        yield
    except Exception as exc:
        if is_outage(exc):
            raise StoreUnavailable(f"the shop store is unavailable: {type(exc).__name__}: {exc}") from exc
        raise


def _sqlite_outage(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.Error) and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_OUTAGES


class SqliteStore(_ConnectionPerThread):
    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else url
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)  # the default lives in ./var/

    def _open(self) -> sqlite3.Connection:
        # check_same_thread=False only so close() may run from any thread
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, fast commits
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def read(self):
        with _outage_as_unavailable(_sqlite_outage):
            conn = self._conn()
            conn.execute("BEGIN")  # one snapshot for every SELECT of the tool
            try:
                yield _SqliteTx(conn)
            finally:
                conn.execute("COMMIT")

    @contextmanager
    def write(self, exclusive: bool = False):
        with _outage_as_unavailable(_sqlite_outage):
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


class _PostgresTx:
    for_update = " FOR UPDATE"

    def __init__(self, conn):
        self.conn = conn

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def one(self, sql, *params):
        return self.conn.execute(self._sql(sql), params).fetchone()

    def all(self, sql, *params):
        return self.conn.execute(self._sql(sql), params).fetchall()

    def run(self, sql, *params):
        return self.conn.execute(self._sql(sql), params).rowcount

    def run_many(self, sql, rows):
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)


class PostgresStore(_ConnectionPerThread):
    SEED_LOCK = 7_362_001  # advisory lock id: one process creates and seeds the schema
    CONNECT_TIMEOUT = 5  # seconds

    def __init__(self, url: str):
        import psycopg  # production driver, imported only when PostgreSQL is configured

        super().__init__()
        self._psycopg = psycopg
        self.url = url

    def _open(self):
        # autocommit: the store sends BEGIN/COMMIT itself, so a read can ask for one snapshot; a bounded
        # connect, so a server that does not answer is an outage in seconds, not a worker hung for good
        return self._psycopg.connect(self.url, autocommit=True, connect_timeout=self.CONNECT_TIMEOUT)

    def _outage(self, exc: Exception) -> bool:
        # OperationalError: the server is down, restarting, refusing or dropped the connection (and
        # deadlocks/serialisation failures, which a retry also cures); a broken connection is reopened next time
        return isinstance(exc, self._psycopg.OperationalError)

    @contextmanager
    def _tx(self, begin: str):
        with _outage_as_unavailable(self._outage):
            conn = self._conn()
            conn.execute(begin)
            try:
                yield _PostgresTx(conn)
            except BaseException:
                if not conn.closed:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def read(self):
        return self._tx("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    @contextmanager
    def write(self, exclusive: bool = False):
        with self._tx("BEGIN") as tx:
            if exclusive:
                tx.run(f"SELECT pg_advisory_xact_lock({self.SEED_LOCK})")
            yield tx



def connect(url: str) -> Store:
    scheme = urlparse(url).scheme
    if scheme in ("postgresql", "postgres"):
        return PostgresStore(url)
    if scheme in ("sqlite", ""):
        return SqliteStore(url)
    raise ValueError(f"unsupported shop database url: {url}")
