"""`portal-archive`: the command line. A thin click layer over the library modules.

Exit codes: 0 success; 1 a crawl finished partial/failed or some batch lines failed;
2 usage, configuration or database errors (one line naming the problem, nothing written);
3 the archive is busy (another crawl holds it; `serve --public` while a crawl writes).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

from .registry import Portal, RegistryError, get_portal, load_registry

DEFAULT_DB = Path("data/archive.db")
DEFAULT_SNAPSHOTS = Path("data/snapshots")


class UsageError(click.ClickException):
    """A problem with what the user asked for: one line, exit code 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"portal-archive: error: {self.format_message()}", err=True)


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:  # not our UsageError: that is a plain ClickException
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        raise UsageError(exc.format_message() + hint) from exc


class _Commands(click.Group):
    """Click's own usage errors (bad option value, missing argument) as one line, like ours:
    click prints the usage, a hint and the error on three lines."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Crawl Vietnamese government portals into SQLite and publish them with Datasette."""


@main.command("demo-portal", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def demo_portal_command(args: tuple[str, ...]) -> None:
    """Serve the demo portal: [--port 8600] [--articles 240] [--day D] [--faults KINDS]."""
    from .demo_portal import main as demo_main

    sys.exit(demo_main(list(args)))


@main.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The URL the page was fetched from (resolves relative links).")
@click.option(
    "--batch",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TSV file of 'path<TAB>url' lines: print one JSON object per line (JSON Lines).",
)
@click.option(
    "--expect",
    type=click.Choice(["article", "listing"]),
    help="What the crawl would expect the page to be: 'article' for a page reached through "
    "a listing's article link (it is then another kind only on positive evidence).",
)
def extract_command(
    file: Path | None, url: str | None, batch: Path | None, expect: str | None
) -> None:
    """Extract one saved page (FILE --url URL) or many (--batch LIST.tsv) to JSON.

    The record includes field_sources (which signal layer gave each field),
    extraction_failed and extractor_version, as the archive stores them.
    """
    from .extract import extract_page

    if batch is not None:
        if file is not None:
            raise UsageError("give either FILE --url URL or --batch LIST.tsv, not both")
        sys.exit(_extract_batch(batch, expect))
    if file is None or not url:
        raise UsageError("give FILE and --url URL (or --batch LIST.tsv)")
    _check_page_url(url)
    data = _read_page(file)
    record = extract_page(data, url, expect=expect)  # type: ignore[arg-type]
    click.echo(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))


def _url_problem(url: str) -> str | None:
    """Relative links are resolved against the page URL: it must be absolute http(s)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as exc:  # "http://[::1" (unclosed IPv6 host)
        return f"not a valid URL ({exc}): {url!r}"
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    return f"not an http(s) URL: {url!r}"


def _check_page_url(url: str) -> None:
    if problem := _url_problem(url):
        raise UsageError(f"--url: {problem} (give the page's absolute URL)")


def _read_page(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _extract_batch(batch: Path, expect: str | None = None) -> int:
    """One JSON line per input line, in input order; a failed line prints an error object."""
    from .extract import extract_page

    failures = 0
    for line_no, path, url, problem in _batch_lines(batch):
        if problem is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                problem = f"cannot read {path}: {exc.strerror or exc}"
        if problem is not None:
            failures += 1
            out = {"url": url, "line": line_no, "error": problem}
        else:
            out = extract_page(data, url, expect=expect).to_dict()  # type: ignore[arg-type]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    if failures:
        click.echo(f"portal-archive: {failures} line(s) of {batch} failed", err=True)
    return 1 if failures else 0


def _batch_lines(batch: Path) -> Iterator[tuple[int, Path, str, str | None]]:
    try:
        handle = batch.open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{batch}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        for line_no, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            path_text, tab, url = line.partition("\t")
            if not tab or not url.strip() or not path_text.strip():
                yield line_no, Path(path_text), url, "expected 'path<TAB>url'"
                continue
            if problem := _url_problem(url.strip()):
                yield line_no, Path(path_text), url, problem
                continue
            path = Path(path_text)
            if not path.is_absolute() and not path.exists():
                path = batch.parent / path  # paths may be relative to the list file
            yield line_no, path, url.strip(), None


@main.command("detect")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
def detect_command(file: Path, url: str) -> None:
    """Detect platform, candidate sections and visitor counter on a saved home page (offline:
    candidates are listed with where they were found, "not fetched")."""
    from .onboard import detect

    _check_page_url(url)
    found = detect(_read_page(file), url)
    click.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))


@main.command("add")
@click.argument("url")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              default="portals.local.toml", show_default=True,
              help="Registry file to append the new portal to.")  # fmt: skip
@click.option("--slug", help="Registry slug (default: derived from the host name).")
@click.option(
    "--dry-run", is_flag=True, help="Print every candidate and its verdict; write nothing."
)
@click.option("--json", "as_json", is_flag=True,
              help="Print the candidates and verdicts as JSON.")  # fmt: skip
@click.option("--budget", type=click.IntRange(1), default=300, show_default=True,
              help="At most this many requests for candidates and their items.")  # fmt: skip
def add_command(
    url: str, config: Path, slug: str | None, dry_run: bool, as_json: bool, budget: int
) -> None:
    """Fetch a portal's home page and its candidate sections, classify each by its page, and
    add the portal with its news sections to a registry file."""
    from .onboard import check_config, detect, slug_for, write_entry
    from .run import discover_portal

    try:
        if problem := _url_problem(url):
            raise UsageError(problem)
        if not dry_run:  # a broken file or a taken slug is refused before minutes of fetching
            check_config(config, slug)
        progress = _progress_line if sys.stderr.isatty() else None
        response, findings = discover_portal(url, budget=budget, progress=progress)
        found = detect(response.body, response.url, response.encoding, findings=findings)
        if as_json:
            click.echo(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2))
        else:
            _print_findings(findings)
        skipped = sum(1 for f in findings if f.status == "over_budget")
        if skipped:  # never a silent cap: say what was left and how to include it
            click.echo(
                f"note: {skipped} candidates not fetched: the budget of {budget} requests was "
                "spent (raise --budget)",
                err=as_json,
            )
        if dry_run:
            return
        chosen = slug or slug_for(response.url)
        try:
            write_entry(config, chosen, found)
        except OSError as exc:  # a full disk or read-only directory: name the file
            raise UsageError(f"{config}: cannot write: {exc.strerror or exc}") from exc
    except RegistryError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:  # FetchError names the URL; a write error names the file
        where = f"{exc.filename}: " if exc.filename else ""
        raise UsageError(f"{where}{exc.strerror or exc}") from exc
    click.echo(
        f"added portals.{chosen} to {config}: platform {found.platform}, "
        f"{len(found.sections)} sections, counter {'yes' if found.visitor_counter else 'no'}",
        err=as_json,
    )
    click.echo(f"crawl it with: portal-archive crawl {chosen} --config {config}", err=as_json)


def _progress_line(line: str) -> None:
    click.echo(f"portal-archive: add: {line}", err=True)


def _print_findings(findings: list[Any]) -> None:
    """One line per candidate: verdict, where found, path, name; the evidence indented."""
    for finding in findings:
        row = finding.to_json()
        click.echo(f"{row['verdict']:<12} {row['found_in']:<9} {row['path']}  {row['name']}")
        click.echo(f"{'':<12} {row['evidence']}")


@main.command("crawl")
@click.argument("slugs", nargs=-1)
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every registered portal.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="SQLite archive to write.")  # fmt: skip
@click.option("--base-url", help="Crawl the portal at this URL instead (one portal only).")
@click.option("--config", "configs", multiple=True, type=click.Path(path_type=Path),
              help="Extra portal registry file (TOML); may be repeated.")  # fmt: skip
@click.option("--full", is_flag=True, help="Follow every listing page, even past known articles.")
@click.option("--revisit-days", default=30, show_default=True, type=click.IntRange(0, 3650),
              help="Re-check (conditional requests) articles this recent.")  # fmt: skip
@click.option("--max-requests", type=click.IntRange(1),
              help="Stop after this many responses (the crawl is then partial).")  # fmt: skip
@click.option("--max-pages-per-section", type=click.IntRange(1),
              help="Follow at most this many listing pages per section "
              "(then partial).")  # fmt: skip
@click.option("--max-sitemap-urls", type=click.IntRange(1),
              help="Take at most this many article URLs from sitemaps and feeds "
              "(then partial).")  # fmt: skip
@click.option("--download-timeout", type=click.FloatRange(0, 3600, min_open=True),
              metavar="SECONDS", help="Give up on a page after this long; default 60.")  # fmt: skip
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only archive articles published on or after this day.")  # fmt: skip
@click.option("--no-warc", is_flag=True,
              help="Do not keep raw captures (WARC files beside the archive).")  # fmt: skip
@click.option("--wait", is_flag=True, help="Wait for another crawl of this archive to finish.")
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's own log (INFO).")
def crawl_command(
    slugs: tuple[str, ...],
    crawl_all: bool,
    db: Path,
    base_url: str | None,
    configs: tuple[Path, ...],
    full: bool,
    revisit_days: int,
    max_requests: int | None,
    max_pages_per_section: int | None,
    max_sitemap_urls: int | None,
    download_timeout: float | None,
    since: datetime | None,
    no_warc: bool,
    wait: bool,
    verbose: bool,
) -> None:
    """Crawl portals (by registry slug) into the archive.

    Every response is kept as received in WARC files under <db stem>-warc/ beside the
    database (docs/captures.md), unless --no-warc.

    Exit 0 when every crawl is ok, 1 when some were partial (errors, or cut short by a
    limit: the next crawl continues) or failed, 2 on usage or configuration errors, 3 when
    another crawl holds the archive (unless --wait). Limits given here override the
    registry's (max_requests, max_pages_per_section, max_sitemap_urls); none by default.
    """
    portals = _resolve_portals(slugs, crawl_all, base_url, configs)
    _check_archive(db)
    from archive.lock import ArchiveLock, ArchiveLocked

    from .run import CrawlOptions, run_crawls

    options = CrawlOptions(
        full=full,
        revisit_days=revisit_days,
        max_requests=max_requests,
        max_pages_per_section=max_pages_per_section,
        max_sitemap_urls=max_sitemap_urls,
        since=since.date().isoformat() if since else None,
        download_timeout=download_timeout,
        warc=not no_warc,
    )
    try:
        with ArchiveLock(db, wait=wait):
            statuses = run_crawls(
                portals, db_path=db, log_level="INFO" if verbose else "WARNING", options=options
            )
    except ArchiveLocked as exc:
        _exit_locked(db, exc)
    except OSError as exc:  # the lock file (or the crawl) hit a full or read-only disk
        raise UsageError(f"{exc.filename or db}: {exc.strerror or exc}") from exc
    sys.exit(0 if all(status == "ok" for status in statuses.values()) else 1)


def _resolve_portals(
    slugs: tuple[str, ...], crawl_all: bool, base_url: str | None, configs: tuple[Path, ...]
) -> list[Portal]:
    try:
        if crawl_all:
            if slugs:
                raise UsageError("give portal slugs or --all, not both")
            portals = list(load_registry(configs).values())
        elif not slugs:
            raise UsageError("name at least one portal slug (or --all); see portals.toml")
        else:
            portals = [get_portal(slug, configs) for slug in slugs]
        if base_url:
            if len(portals) != 1:
                raise UsageError("--base-url applies to exactly one portal")
            portals = [portals[0].with_base_url(base_url)]
    except RegistryError as exc:
        raise UsageError(str(exc)) from exc
    return portals


def _check_archive(db: Path) -> None:
    """Open (and migrate) the archive before crawling, so a bad path fails in one line."""
    from archive.errors import ArchiveError
    from archive.schema import open_archive

    try:
        open_archive(db).close()  # creates missing directories, removes them on failure
    except ArchiveError as exc:  # the message names the file and the problem
        raise UsageError(str(exc)) from exc


@main.command("serve")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="SQLite archive to publish.")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--public", is_flag=True,
              help="Public site: immutable (downloadable), read-only, SQL time limit, "
              "cached, reviewed plugins only. Nothing may write the file meanwhile.")  # fmt: skip
@click.option("--sql-time-limit-ms", type=click.IntRange(1, 3_600_000),
              help="SQL time limit (default 1000 ms with --public, else 3000 ms).")  # fmt: skip
@click.option("--snapshots", type=click.Path(file_okay=False, path_type=Path),
              help="Snapshot directory to list at /-/snapshots (see `snapshot`).")  # fmt: skip
@click.option("--captures", type=click.Path(file_okay=False, path_type=Path),
              help="Folder the crawled database was in (holding its <name>-warc folder), "
              "when serving a copy elsewhere; default: the served file's folder, then the "
              "snapshot's source folder (docs/captures.md).")  # fmt: skip
@click.option("--print-command", is_flag=True,
              help="Print the datasette command instead of running it.")  # fmt: skip
def serve_command(
    db: Path,
    host: str,
    port: int,
    public: bool,
    sql_time_limit_ms: int | None,
    snapshots: Path | None,
    captures: Path | None,
    print_command: bool,
) -> None:
    """Publish the archive with Datasette.

    Exit 2 on a missing or unusable database, 3 with --public when the database is being
    written (a crawl holds it).
    """
    from archive.errors import ArchiveError
    from archive.serve import command_line, serve

    options = {"public": public, "sql_time_limit_ms": sql_time_limit_ms, "snapshots": snapshots,
               "captures": captures}  # fmt: skip
    try:
        if print_command:
            click.echo(command_line(db, host=host, port=port, **options))
            return
        sys.exit(serve(db, host=host, port=port, **options))
    except ArchiveError as exc:
        from archive.public import ArchiveBusy

        if isinstance(exc, ArchiveBusy):
            click.echo(f"portal-archive: {exc}", err=True)
            sys.exit(3)
        raise UsageError(str(exc)) from exc


@main.command("snapshot")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="SQLite archive to copy (crawls may write).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), default=str(DEFAULT_SNAPSHOTS),
              show_default=True,
              help="Directory for snapshots, their .sha256 files and manifest.json.")  # fmt: skip
@click.option("--wacz", is_flag=True,
              help="Also write the WACZ of the captures since the previous snapshot.")  # fmt: skip
def snapshot_command(db: Path, out: Path, wacz: bool) -> None:
    """Write a dated, checksummed copy of the archive and list it in OUT/manifest.json."""
    from archive.errors import ArchiveError
    from archive.snapshot import take_snapshot

    try:
        snapshot = take_snapshot(db, out, wacz=wacz)
    except ArchiveError as exc:
        raise UsageError(str(exc)) from exc
    click.echo(snapshot.summary())


@main.command("index")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="Archive whose WARC files to index.")  # fmt: skip
@click.option("--rebuild", is_flag=True, help="Rewrite every index, not only missing ones.")
def index_command(db: Path, rebuild: bool) -> None:
    """Write the missing CDXJ index (<file>.cdxj) beside each closed WARC file.

    A crawl writes them itself; this rebuilds what a killed crawl or an older version left
    without one. Exit 1 when some file could not be read.
    """
    from archive.warc_index import index_missing
    from archive.warc_store import warc_root

    if not db.is_file():
        raise UsageError(f"archive database not found: {db}")

    def progress(number: int, total: int, warc: Path) -> None:
        click.echo(f"portal-archive: index: {number}/{total} {warc.name}", err=True)

    run = index_missing(db, rebuild=rebuild, progress=progress)
    for warc, problem in run.failed:
        click.echo(f"portal-archive: index: {warc}: {problem}", err=True)
    click.echo(
        f"index {warc_root(db)}: {len(run.written)} written ({run.lines} lines), "
        f"{run.present} up to date, {len(run.failed)} failed, {run.seconds:.1f} s"
    )
    sys.exit(1 if run.failed else 0)


@main.command("export-wacz")
@click.argument("portals", nargs=-1)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="Archive to export from.")  # fmt: skip
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Captures fetched on or after this day (UTC).")  # fmt: skip
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Captures fetched on or before this day (UTC).")  # fmt: skip
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .wacz file to write.")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def export_wacz_command(
    portals: tuple[str, ...],
    db: Path,
    since: datetime | None,
    until: datetime | None,
    out: Path,
    force: bool,
) -> None:
    """Export captures (of PORTALS, default all) as a WACZ for ReplayWeb.page or pywb.

    It holds the window's records, the older originals its revisits refer to, and
    pages/pages.jsonl with one page per archived article (docs/captures.md).
    """
    from archive.wacz_export import ExportError, export_wacz

    if since and until and until < since:
        raise UsageError("--until is before --since")
    try:
        summary = export_wacz(
            db,
            out,
            portals=portals,
            since=since.date() if since else None,
            until=until.date() if until else None,
            force=force,
            progress=lambda line: click.echo(f"portal-archive: export-wacz: {line}", err=True),
        )
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    click.echo(summary.line())


@main.command("demo")
@click.option("--articles", default=240, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default="data/demo.db",
              show_default=True, help="Rebuilt on each run; the old copy is kept.")  # fmt: skip
def demo_command(articles: int, port: int, db: Path) -> None:
    """Crawl the demo portal on days 0, 1, 2 into data/demo.db, snapshot it, serve the archive."""
    from .demo_run import run_demo

    sys.exit(run_demo(articles=articles, datasette_port=port, db_path=db))


@main.command("verify")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="Archive whose captures to check (read-only).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only problems and their summary: nothing when clean (cron).")  # fmt: skip
@click.option("--progress-every", type=click.FloatRange(0), default=10.0, show_default=True,
              metavar="SECONDS", help="Progress on stderr this often (0: none).")  # fmt: skip
def verify_command(db: Path, as_json: bool, quiet: bool, progress_every: float) -> None:
    """Check every capture pointer and every WARC record of the archive (fixity).

    Missing files, torn or corrupt records, digest mismatches and dangling pointers are
    problems (exit 1); files no capture points to and files a killed crawl left open are
    notes. Exit 0 when clean, 2 when DB is missing or not an archive. Read-only.
    """
    from archive.fixity import NotAnArchive, verify

    def progress(line: str) -> None:
        click.echo(line, err=True)

    emit = None if quiet or progress_every == 0 else progress
    try:
        report = verify(db, progress=emit, progress_every=progress_every)
    except NotAnArchive as exc:
        raise UsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(problem.line())
        if not quiet:
            for notice in report.notices:
                click.echo(notice.line())
        if report.problems or not quiet:
            click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@main.command("reextract")
@click.argument("slugs", nargs=-1)
@click.option("--all", "all_portals", is_flag=True, help="Every portal in the archive.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="Archive whose captures to read again.")  # fmt: skip
@click.option("--captured-since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only articles whose newest capture was fetched on or after "
              "this day.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would change.")
@click.option("--wait", is_flag=True, help="Wait for a crawl of this archive to finish.")
@click.option("--progress-every", type=click.FloatRange(0), default=10.0, show_default=True,
              metavar="SECONDS", help="A progress line on stderr this often.")  # fmt: skip
def reextract_command(
    slugs: tuple[str, ...],
    all_portals: bool,
    db: Path,
    captured_since: datetime | None,
    dry_run: bool,
    wait: bool,
    progress_every: float,
) -> None:
    """Run today's extractor over the stored captures of archived articles (no network).

    Per article, its newest capture holding a body is read again exactly as the crawl reads
    a page; only what changed is written, as re-extraction (change kind 'extractor', never
    an edit; a failed article now readable becomes an article, kind 'first'), with the
    extractor version and the capture. Exit 0 when done, 2 on usage errors, 3 when a crawl
    holds the archive (unless --wait). See docs/captures.md.
    """
    from archive.lock import ArchiveLock, ArchiveLocked
    from archive.reextract import Change, Summary, reextract

    from .extract import EXTRACTOR_VERSION

    portals = _archived_portals(db, slugs, all_portals)

    def changed(change: Change) -> None:
        verb = "would be" if dry_run else "is"
        kind = "recovered" if change.outcome == "recovered" else "re-extracted"
        click.echo(f"{change.url} {verb} {kind}: {change.detail[:80]} [{change.capture}]")

    def progress(summary: Summary, total: int) -> None:
        click.echo(
            f"reextract: {summary.pages + summary.missing}/{total} articles, "
            f"{summary.changed} changed, {summary.recovered} recovered, "
            f"{summary.pages_per_second:.0f} pages/s",
            err=True,
        )

    try:
        with ArchiveLock(db, wait=wait):
            summary = reextract(
                db,
                _reextract_page,
                extractor_version=EXTRACTOR_VERSION,
                portals=portals,
                captured_since=captured_since.date().isoformat() if captured_since else None,
                dry_run=dry_run,
                on_change=changed,
                on_progress=progress if progress_every else None,
                progress_seconds=progress_every,
            )
    except ArchiveLocked as exc:
        _exit_locked(db, exc)
    except OSError as exc:
        raise UsageError(f"{exc.filename or db}: {exc.strerror or exc}") from exc
    for problem in summary.problems[:20]:
        click.echo(f"reextract: {problem}", err=True)
    if len(summary.problems) > 20:
        click.echo(f"reextract: ... and {len(summary.problems) - 20} more", err=True)
    click.echo(summary.line())


def _archived_portals(db: Path, slugs: tuple[str, ...], all_portals: bool) -> list[str] | None:
    """The slugs to re-extract, checked against the archive's own portals (no registry:
    the captures are what counts). None: every portal."""
    import sqlite3

    if all_portals == bool(slugs):
        raise UsageError("give portal slugs or --all (one of them)")
    if not db.is_file():
        raise UsageError(f"{db}: no archive there")
    try:
        connection = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
        try:
            known = {row[0] for row in connection.execute("SELECT slug FROM portals")}
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise UsageError(f"{db}: not a readable archive ({exc})") from exc
    if all_portals:
        return None
    unknown = sorted(set(slugs) - known)
    if unknown:
        have = ", ".join(sorted(known)) or "none"
        raise UsageError(f"not in {db}: {', '.join(unknown)} (archived portals: {have})")
    return list(dict.fromkeys(slugs))


def _reextract_page(page: Any) -> dict[str, Any]:
    """A stored page read as the crawl reads a fetched one (PortalSpider.parse_article and
    _extract): the page's trusted canonical URL, the declared encoding, the capture time."""
    from .extract import extract_page
    from .pages import declared_encoding
    from .urls import trusted_canonical

    canonical = trusted_canonical(page.body, page.url)
    record = extract_page(
        page.body,
        canonical or page.url,
        declared_encoding(page.content_type, page.body),
        expect="article",
        captured_at=datetime.fromisoformat(page.fetched_at),
    )
    return record.to_dict()


@main.command("hide")
@click.argument("url")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="SQLite archive holding the article.")  # fmt: skip
@click.option("--reason", type=click.Choice(["personal_data", "court_order", "legal", "other"]),
              help="Category shown to the public (required unless --restore).")  # fmt: skip
@click.option("--note", help="Why, in your words: kept in the private archive only.")
@click.option("--by", help="Who decided (default: your user name).")
@click.option("--restore", is_flag=True, help="Put a hidden article back (same as `unhide`).")
@click.option("--wait", is_flag=True, help="Wait for a crawl of this archive to finish.")
def hide_command(
    url: str, db: Path, reason: str | None, note: str | None, by: str | None, restore: bool,
    wait: bool,
) -> None:  # fmt: skip
    """Take the article archived at URL off the public site; evidence stays.

    It leaves the article page, search, feeds, the changes page and public snapshots; its
    rows and WARC captures stay in the archive. Exit 2 on an unknown URL or a usage error,
    3 when a crawl holds the archive (unless --wait). See docs/publishing.md.
    """
    if not restore and reason is None:
        raise UsageError("--reason is required (personal_data, court_order, legal, other)")
    _hide(url, db, reason, note, by, restore, wait)


@main.command("unhide")
@click.argument("url")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=str(DEFAULT_DB),
              show_default=True, help="SQLite archive holding the article.")  # fmt: skip
@click.option("--by", help="Who decided (default: your user name).")
@click.option("--wait", is_flag=True, help="Wait for a crawl of this archive to finish.")
def unhide_command(url: str, db: Path, by: str | None, wait: bool) -> None:
    """Put an article hidden with `hide` back on the public site."""
    _hide(url, db, None, None, by, True, wait)


def _hide(
    url: str, db: Path, reason: str | None, note: str | None, by: str | None, restore: bool,
    wait: bool,
) -> None:  # fmt: skip
    from archive.errors import ArchiveError
    from archive.hide import hide_article, unhide_article
    from archive.lock import ArchiveLocked

    if not db.is_file():
        raise UsageError(f"archive database not found: {db}")
    try:
        if restore:
            result = unhide_article(db, url, by=by, wait=wait)
        else:
            result = hide_article(db, url, reason or "other", note=note, by=by, wait=wait)
    except ArchiveLocked as exc:
        _exit_locked(db, exc)
    except ArchiveError as exc:
        raise UsageError(str(exc)) from exc
    click.echo(result.line(restored=restore))


if __name__ == "__main__":
    main()


def _exit_locked(db: Path, exc: Any) -> NoReturn:
    """Another process holds the archive's lock: say who, exit 3 (the documented code)."""
    holder = exc.holder or "holder unknown"
    click.echo(
        f"portal-archive: another crawl is writing {db} ({holder}); run later or add --wait",
        err=True,
    )
    sys.exit(3)
