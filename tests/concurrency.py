"""Running calls truly at the same moment, on PostgreSQL: for the row-lock tests."""

import threading
from collections.abc import Callable

from django.db import connections


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread (its own database connection), released together; each
    result is what the call returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    return results
