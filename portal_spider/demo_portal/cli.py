"""`portal-archive demo-portal` / `python -m portal_spider.demo_portal`: serve until stopped."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import NoReturn

from .content import MAX_ARTICLES
from .days import MAX_DAYS
from .faults import DEFAULT_RATE, DEFAULT_SLOW_SECONDS, KINDS, PERMANENT, FaultPlan, parse_kinds
from .server import make_server


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One error line (no usage dump), exit status 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portal-archive demo-portal",
        description="Serve a local replica of a Vietnamese city portal (test bed for the crawler).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8600, help="port, 0 = any free (default 8600)")
    parser.add_argument(
        "--articles", type=int, default=240, help="number of articles (default 240)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="content seed, also picks the faulted pages (default 1)"
    )
    parser.add_argument(
        "--day",
        type=int,
        default=0,
        help="serve the portal as on this day: each day adds 20 articles, edits 3 and removes 3"
        " (default 0, the initial state)",
    )
    parser.add_argument(
        "--crawl-delay", type=float, help="add 'Crawl-delay: N' (seconds) to robots.txt"
    )
    parser.add_argument(
        "--faults",
        metavar="KIND[,KIND...]",
        help=f"misbehave like a flaky portal (see docs/reliability.md): {', '.join(KINDS)}, or"
        f" all; {', '.join(PERMANENT)} lose the article, the others can be survived",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"share of pages each fault kind hits, chosen by --seed (default {DEFAULT_RATE})",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=DEFAULT_SLOW_SECONDS,
        help="how long a 'slow' page makes the crawler wait; above its download timeout"
        f" (default {DEFAULT_SLOW_SECONDS:g})",
    )
    parser.add_argument(
        "--extras",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also publish what real portals publish (default): sections reached only by a"
        " dropdown, the footer or from day 2, a document register, a work schedule, a sitemap"
        " index with gzip children, an RSS feed; --no-extras serves the four menu sections only",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _fault_plan(parser: argparse.ArgumentParser, args: argparse.Namespace) -> FaultPlan | None:
    if args.faults is None:
        return None
    if not 0 <= args.fault_rate <= 1:
        parser.error(f"--fault-rate must be between 0 and 1 (got {args.fault_rate})")
    if not 0 < args.slow_seconds <= 3600:
        parser.error(f"--slow-seconds must be between 0 and 3600 (got {args.slow_seconds})")
    try:
        kinds = parse_kinds(args.faults)
    except ValueError as exc:
        parser.error(f"--faults: {exc}")
    return FaultPlan(kinds, args.fault_rate, args.seed, args.slow_seconds)


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    """Print 'Demo portal: URL' and serve until Ctrl-C/SIGTERM (0); bad input exits 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.articles <= MAX_ARTICLES:
        parser.error(f"--articles must be between 1 and {MAX_ARTICLES:,} (got {args.articles})")
    if not 0 <= args.day <= MAX_DAYS:
        parser.error(f"--day must be between 0 and {MAX_DAYS} (got {args.day})")
    if args.crawl_delay is not None and not 0 < args.crawl_delay <= 60:
        parser.error(f"--crawl-delay must be between 0 and 60 seconds (got {args.crawl_delay})")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535 (got {args.port})")
    faults = _fault_plan(parser, args)
    try:
        server = make_server(
            args.host,
            args.port,
            args.articles,
            args.seed,
            verbose=args.verbose,
            day=args.day,
            crawl_delay=args.crawl_delay,
            faults=faults,
            extras=args.extras,
        )
    except OSError as exc:
        parser.error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    print(f"Demo portal: {server.url}", flush=True)
    _stop_on_sigterm()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
