"""The one database module: engine, naming convention, a session per request, and what
every repository shares (a page of a longer list, a save that checks the version)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    MetaData,
    any_,
    bindparam,
    event,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from app.config import DEFAULT_DATABASE_POOL_SIZE

T = TypeVar("T")
U = TypeVar("U")

# Stable constraint names so that Alembic batch mode can alter SQLite tables.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def normalise_url(url: str) -> str:
    """Let operators write postgresql://… and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside a writer; busy_timeout waits instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# PostgreSQL connections a process keeps (MIR_DATABASE_POOL_SIZE), and how many more it may
# open for a moment. A connection opened beyond the pool is closed when returned, and a new
# PostgreSQL backend reads its catalogue afresh: a pool of 10 for the requests a busy worker
# runs at once opened dozens a second. (The threads that run requests are not limited to the
# pool's size: a request holds its connection from a dependency's first query until it ends,
# and with no more threads than connections, requests waiting for a thread held every
# connection while every thread waited for one.)
POOL_OVERFLOW = 4


def build_engine(url: str, pool_size: int = DEFAULT_DATABASE_POOL_SIZE) -> Engine:
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=POOL_OVERFLOW)


def engine_for(url: str, pool_size: int = DEFAULT_DATABASE_POOL_SIZE) -> Engine:
    """The process's engine for this database (one pool, whether pool_size is given or not)."""
    return _engine(url, pool_size)


def one_of(dialect: str, column: Any, values: Sequence[Any] | None = None, *,
           key: str | None = None) -> ColumnElement[bool]:
    """`column IN (values)` in SQL that is the same whatever the number of values (given
    now, or later as the parameter `key`). On PostgreSQL `= ANY(array)`, one parameter: an
    IN list of one parameter a value made each page's statement new text, which psycopg
    parses again (it keeps only statements of up to 4 KB and 50 parameters) and PostgreSQL
    plans again. SQLite has no arrays: an expanding IN there. (`column`: a column, or an
    attribute of a model, as sqlmodel's col() gives.)"""
    value = None if values is None else list(values)
    later = values is None  # then the statement is executed with `key` among its parameters
    expression: ColumnElement[Any] = column
    if dialect == "postgresql":
        array = bindparam(key, value, type_=ARRAY(expression.type), required=later)
        return expression == any_(array)
    return expression.in_(bindparam(key, value, expanding=True, required=later))


@lru_cache(maxsize=8)
def _engine(url: str, pool_size: int) -> Engine:
    return build_engine(url, pool_size)


def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction per unit of work: commit at the end, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# Pages of a longer list ---------------------------------------------------------------------

def page_count(total: int, size: int) -> int:
    """How many pages `total` rows fill, `size` a page; an empty list is one empty page."""
    return max(1, -(-total // size))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: its items, how many there are in all, its number (from 1)
    and how many a page holds."""

    items: list[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def first_item(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_item(self) -> int:
        return min(self.total, self.number * self.size)

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page holding `items` (the rows made into what the page shows)."""
        return Page(items, self.total, self.number, self.size)


def fetch_page(db: Session, statement: Any, number: int, size: int) -> Page[Any]:
    """Page `number` of what `statement` selects (the last page, if there are fewer)."""
    total = int(db.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery())) or 0)
    number = max(1, min(number, page_count(total, size)))
    rows = db.exec(statement.offset((number - 1) * size).limit(size)).all() if total else []
    return Page(list(rows), total, number, size)


# Saves that check the version -----------------------------------------------------------------

class Versioned(Protocol):
    id: int | None
    version: int


def save_if_version(db: Session, row: Versioned, seen_version: int,
                    values: Mapping[str, Any]) -> bool:
    """Write `values` to `row` and raise its version, only if the version is still
    `seen_version`: False when someone else saved first. The check is in the UPDATE itself,
    so two saves racing each other cannot both win, on either engine. `row` is read again
    either way; after a refusal it holds what the other person saved."""
    table = inspect(type(row)).local_table
    result = db.execute(update(table)
                        .where(table.c.id == row.id, table.c.version == seen_version)
                        .values(**values, version=seen_version + 1))
    db.refresh(row)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
