"""Run ``portal-archive crawl …`` with the capture's own work timed inside the crawl.

    python bench/capture_share.py crawl demo --base-url URL --db DB

Prints one JSON line on stderr: the process CPU of the crawl and the CPU spent in capture
code (the middleware's hooks, which include writing the WARC records and queueing the
``captures`` rows; the fsync before each commit; opening and closing the files; the rows'
INSERT inside each commit). bench/warc.py uses it: a share measured within one run does not
move with the host's speed, which makes two separate runs differ by 10-30% on a shared VM.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds incremental.py, which would shadow the package Twisted imports by that name.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import atexit
import json
import time
from collections.abc import Callable
from typing import Any

import sqlite_utils

from portal_spider import capture

spent = {"capture": 0.0, "calls": 0}


def timed(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent["capture"] += time.thread_time() - start
            spent["calls"] += 1

    return wrapper


middleware = capture.WarcCaptureMiddleware
for name in (
    "process_request",
    "headers_received",
    "bytes_received",
    "process_response",
    "process_exception",
    "sync",
    "spider_closed",
    "_open",
):
    setattr(middleware, name, timed(getattr(middleware, name)))
_insert_all = sqlite_utils.db.Table.insert_all


def insert_all(self: sqlite_utils.db.Table, *args: Any, **kwargs: Any) -> Any:
    if self.name != "captures":
        return _insert_all(self, *args, **kwargs)
    return timed(_insert_all)(self, *args, **kwargs)


sqlite_utils.db.Table.insert_all = insert_all  # type: ignore[method-assign]
started = time.process_time()


@atexit.register
def report() -> None:
    total = time.process_time() - started
    print(json.dumps({"cpu": total, "capture_cpu": spent["capture"]}), file=sys.stderr)


sys.argv = ["portal-archive", *sys.argv[1:]]
from portal_spider.cli import main  # noqa: E402

main()
