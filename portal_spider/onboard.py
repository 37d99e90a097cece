"""Onboarding a portal we have never seen: detect its platform, sections and counter, and
write a registry entry (`portal-archive detect` and `portal-archive add`).

Sections come from discovery (`portal_spider/discovery.py`): every candidate link of the home
page, classified by what its page is. The entry `add` writes holds the *news* sections; an
aggregate ("Tin mới", a parent whose items belong to other sections) is written only when no
news section was found, because crawling it as well would fetch every article twice and file
it under the aggregate's name. Everything else (documents, schedules, Q&A, procedures, plain
pages, other hosts) is printed with its evidence, not crawled.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .discovery import SectionFinding, offline_findings
from .extract import extract_page, parse_document
from .extract.platforms import detect_platform
from .extract.sections import section_candidates
from .registry import RegistryError, load_registry

# Portal names in <title> usually carry the page name before a dash: "Trang chủ - Cổng …".
_TITLE_PREFIX = re.compile(r"^\s*(?:trang chủ|home)\s*[-|–:]\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Detection:
    """What we can tell about a portal from its home page (and, online, its candidates)."""

    url: str
    platform: str
    name: str | None
    findings: list[SectionFinding]
    visitor_counter: bool

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(path, name) of the sections `add` writes: news, else aggregates (see above)."""
        for kind in ("news", "aggregate"):
            chosen: dict[str, tuple[str, str]] = {}  # by the page reached: one per listing
            for f in self.findings:
                if f.verdict and f.verdict.kind == kind and not f.candidate.other_host:
                    where = f.listing_url or f.candidate.url
                    chosen.setdefault(
                        where, (f.candidate.path, f.candidate.name or f.candidate.path)
                    )
            if chosen:
                return list(chosen.values())
        return []

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "name": self.name,
            "visitor_counter": self.visitor_counter,
            "candidates": [finding.to_json() for finding in self.findings],
        }


def detect(
    html: bytes,
    url: str,
    encoding: str | None = None,
    findings: list[SectionFinding] | None = None,
) -> Detection:
    """Platform, candidate sections and counter presence of a (home) page. Pure: without
    `findings` (what discovery fetched), every candidate is reported "not fetched"."""
    doc = parse_document(html, url, encoding)
    record = extract_page(html, url, encoding)
    title = doc.page_title()
    name = _TITLE_PREFIX.sub("", title) if title else None
    if findings is None:
        findings = offline_findings(section_candidates(doc))
    return Detection(
        url=url,
        platform=detect_platform(doc).name,
        name=name,
        findings=findings,
        visitor_counter=record.visitor_counter is not None,
    )


def slug_for(url: str) -> str:
    """A registry slug from the host: "www.hoabinh.gov.vn" -> "hoabinh-gov-vn"."""
    parts = urlsplit(url)
    host = (parts.hostname or "portal").removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}-{parts.port}" if parts.port else host).strip("-")
    return slug[:63]


def write_entry(config: Path, slug: str, found: Detection) -> None:
    """Append a [portals.<slug>] table to a user config file; refuse to overwrite a slug."""
    if not found.sections:
        raise RegistryError(
            f"{found.url}: no news sections found among {len(found.findings)} candidate links "
            "(see 'portal-archive add --dry-run' for each one's verdict)"
        )
    check_config(config, slug)
    parts = urlsplit(found.url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    sections = found.sections
    lines = [
        "",
        f"[portals.{slug}]",
        f"name = {_toml_string(found.name or slug)}",
        f"base_url = {_toml_string(origin)}",
        f"platform = {_toml_string(found.platform)}",
        "sections = [",
        *(
            f"    {{ path = {_toml_string(path)}, name = {_toml_string(name)} }},"
            for path, name in sections
        ),
        "]",
    ]
    old = config.read_text(encoding="utf-8") if config.exists() else ""
    _replace_file(config, old + "\n".join(lines) + "\n")


def check_config(config: Path, slug: str | None) -> None:
    """Refuse a config file that is broken or already holds `slug` (before minutes of
    fetching, and again before writing)."""
    if config.exists():
        load_registry([config])  # refuse to append to a file that is already broken
        if slug is not None and slug in _slugs_in(config):
            raise RegistryError(f"{config}: portals.{slug}: already present (choose --slug)")


def _replace_file(config: Path, text: str) -> None:
    """Write the whole file under a temporary name, check it loads, then rename it over the
    old one: a full disk or a crash leaves the old file (bytes and mtime), never half an
    entry appended to it."""
    fd, name = tempfile.mkstemp(dir=config.parent, prefix=f".{config.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, config.stat().st_mode & 0o777 if config.exists() else 0o644)
        try:
            load_registry([temporary])  # what we wrote must load
        except RegistryError as exc:
            raise RegistryError(str(exc).replace(str(temporary), str(config))) from None
        os.replace(temporary, config)
    finally:
        temporary.unlink(missing_ok=True)


def _slugs_in(config: Path) -> set[str]:
    return set(re.findall(r"^\[portals\.([a-z0-9-]+)\]", config.read_text("utf-8"), re.M))


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string for everything we write (no control chars).
    return json.dumps(value, ensure_ascii=False)
