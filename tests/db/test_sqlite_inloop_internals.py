"""db/sqlite_inloop.py stands on SQLAlchemy internals (pyproject pins SQLAlchemy to 2.1.x, the
minor version it was checked on). Each test here names one of them: when an upgrade changes
one, this fails with what changed and what to do, before the bot fails in a subtler way."""

from __future__ import annotations

import inspect

import pytest
import sqlalchemy
from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.ext.asyncio import result as async_result
from sqlalchemy.util import concurrency

ADVICE = (
    f"SQLAlchemy {sqlalchemy.__version__} changed an internal that db/sqlite_inloop.py uses: "
    "adapt sqlite_inloop.py (docs/performance.md, 'SQLite sessions without greenlets') or "
    "keep SQLAlchemy at the minor version pinned in pyproject.toml. "
)


def need(condition: bool, what: str) -> None:
    if not condition:
        pytest.fail(ADVICE + what, pytrace=False)


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_greenlet_helpers_it_calls_are_there():
    need(callable(getattr(sqlalchemy.util, "await_only", None)),
         "sqlalchemy.util.await_only is gone (used by _awaited and begin_immediate)")
    need(callable(getattr(concurrency, "in_greenlet", None))
         and parameters(concurrency.in_greenlet) == [],
         "sqlalchemy.util.concurrency.in_greenlet() is gone or takes arguments")
    need("_require_await" in parameters(concurrency.greenlet_spawn),
         "greenlet_spawn(_require_await=...) changed: _Cursor.execute's finished coroutine "
         "was there to satisfy that check")


def test_async_results_still_soft_close_the_cursor_as_it_expects():
    source = inspect.getsource(async_result._ensure_sync_result)
    need("_async_soft_close" in source,
         "async results no longer call cursor._async_soft_close() (_Cursor defines it)")


def test_the_pysqlite_dialect_it_extends_has_the_same_hooks():
    need(isinstance(inspect.getattr_static(SQLiteDialect_pysqlite, "_is_url_file_db"),
                    classmethod)
         and parameters(SQLiteDialect_pysqlite._is_url_file_db) == ["url"],
         "SQLiteDialect_pysqlite._is_url_file_db(url) changed (used by get_pool_class)")
    need(isinstance(inspect.getattr_static(SQLiteDialect_pysqlite, "get_pool_class"),
                    classmethod)
         and parameters(SQLiteDialect_pysqlite.get_pool_class) == ["url"],
         "SQLiteDialect_pysqlite.get_pool_class(url) changed")
    need(parameters(SQLiteDialect_pysqlite.create_connect_args) == ["self", "url"],
         "SQLiteDialect_pysqlite.create_connect_args(self, url) changed")
    need(hasattr(pool, "AsyncAdaptedQueuePool") and hasattr(pool, "StaticPool"),
         "sqlalchemy.pool.AsyncAdaptedQueuePool or StaticPool is gone")


def test_the_async_session_calls_it_replaces_keep_their_signatures():
    need(isinstance(inspect.getattr_static(AsyncConnection, "_retrieve_proxy_for_target"),
                    classmethod)
         and parameters(AsyncConnection._retrieve_proxy_for_target)[:2]
         == ["target", "regenerate"],
         "AsyncConnection._retrieve_proxy_for_target(target, regenerate) changed "
         "(InLoopSession.connection)")
    expected = {
        "execute": ["self", "statement", "params"],
        "scalar": ["self", "statement", "params"],
        "scalars": ["self", "statement", "params"],
        "get": ["self", "entity", "ident"],
        "refresh": ["self", "instance"],
        "delete": ["self", "instance"],
        "flush": ["self", "objects"],
        "run_sync": ["self", "fn"],
        "commit": ["self"],
        "rollback": ["self"],
        "close": ["self"],
    }
    for name, first in expected.items():
        need(parameters(getattr(AsyncSession, name))[: len(first)] == first,
             f"AsyncSession.{name}{inspect.signature(getattr(AsyncSession, name))} changed "
             "(InLoopSession overrides it with the old arguments)")
    from youthbot.db.sqlite_inloop import InLoopSession

    added = {
        name for name, value in vars(AsyncSession).items()
        if inspect.iscoroutinefunction(value) and not name.startswith("_")
    } - set(vars(InLoopSession)) - KNOWN_THROUGH_GREENLETS
    need(not added, f"AsyncSession has new async methods {sorted(added)}: decide whether "
                    "InLoopSession must call them directly too")


# AsyncSession's async methods InLoopSession leaves to the greenlet bridge (none runs in a
# turn). A method SQLAlchemy adds shows up in the test above.
KNOWN_THROUGH_GREENLETS = {
    "aclose", "delete_all", "get_one", "invalidate", "merge", "merge_all", "reset", "stream",
    "stream_scalars",
}
