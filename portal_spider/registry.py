"""The portal registry: portals are data (portals.toml plus user config files), validated once."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .extract.platforms import ALL as ALL_PLATFORMS

BUILTIN_REGISTRY = Path(__file__).with_name("portals.toml")
PLATFORMS = frozenset(ALL_PLATFORMS)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class RegistryError(ValueError):
    """A registry file is unreadable or one of its entries is invalid (message names both)."""


@dataclass(frozen=True, slots=True)
class Section:
    """One news section of a portal."""

    path: str
    name: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-portal crawl limits; every one is off (None) unless set."""

    #: Listing pages followed per section in one crawl.
    max_pages_per_section: int | None = None
    #: Responses received in one crawl (Scrapy's CLOSESPIDER_PAGECOUNT).
    max_requests: int | None = None
    #: Article URLs taken from sitemaps and feeds in one crawl.
    max_sitemap_urls: int | None = None

    def override(self, other: Limits) -> Limits:
        """These limits with every limit set in ``other`` taking precedence."""
        return Limits(
            *(
                theirs if theirs is not None else ours
                for ours, theirs in zip(astuple(self), astuple(other), strict=True)
            )
        )


LIMIT_FIELDS = ("max_pages_per_section", "max_requests", "max_sitemap_urls")


@dataclass(frozen=True, slots=True)
class Portal:
    """One portal: where it is, what it runs, which sections to crawl."""

    slug: str
    name: str
    base_url: str
    platform: str
    sections: tuple[Section, ...]
    download_delay: float | None = None
    #: robots.txt is obeyed unless the registry says otherwise for this portal (recorded in
    #: every crawl row as crawls.robots_obeyed).
    obey_robots: bool = True
    #: Contact URL or e-mail added to our User-Agent for this portal's operators.
    contact: str | None = None
    #: Limits that may cut a crawl of this portal short (None: no limit). A crawl that hits
    #: one is *partial* (exit 1) and the next crawl finishes what it left; the command line
    #: overrides them.
    limits: Limits = field(default_factory=lambda: Limits())
    #: False: crawl only the sections listed here (no sections found on the home page or
    #: through the sitemap, no sitemaps or feeds): for a crawl of chosen sections only.
    discover: bool = True

    @property
    def host(self) -> str:
        """Host name of the portal, for allowed_domains."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        """True for a portal served from this machine (the demo): no politeness needed."""
        return is_loopback_host(self.host)

    def section_urls(self) -> list[tuple[str, Section]]:
        """Absolute listing URL of each section."""
        return [(urljoin(self.base_url, s.path), s) for s in self.sections]

    def with_base_url(self, base_url: str) -> Portal:
        """The same portal served elsewhere (the demo portal on another port)."""
        _check_url(base_url, "--base-url", "base_url")
        return replace(self, base_url=base_url if base_url.endswith("/") else base_url + "/")


def is_loopback_host(host: str) -> bool:
    """Whether a host name is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_registry(extra: Iterable[Path] = ()) -> dict[str, Portal]:
    """Built-in portals, then each user config file in order (later entries override)."""
    portals: dict[str, Portal] = {}
    for path in (BUILTIN_REGISTRY, *extra):
        portals.update(_load_file(Path(path)))
    return portals


def get_portal(slug: str, extra: Iterable[Path] = ()) -> Portal:
    """One portal by slug; RegistryError listing the known slugs otherwise."""
    portals = load_registry(extra)
    if slug not in portals:
        known = ", ".join(sorted(portals)) or "none"
        raise RegistryError(f"unknown portal {slug!r} (known: {known})")
    return portals[slug]


def _load_file(path: Path) -> dict[str, Portal]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from exc
    table = data.get("portals")
    if not isinstance(table, dict):
        raise RegistryError(f"{path}: portals: missing [portals.<slug>] tables")
    return {slug: _parse_portal(path, slug, entry) for slug, entry in table.items()}


def _parse_portal(path: Path, slug: str, entry: Any) -> Portal:
    where = f"{path}: portals.{slug}"
    if not _SLUG.match(slug):
        raise RegistryError(f"{where}: slug must be lower-case letters, digits and '-'")
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a table")
    name = _required_str(entry, "name", where)
    base_url = _required_str(entry, "base_url", where)
    _check_url(base_url, where, "base_url")
    platform = _required_str(entry, "platform", where)
    if platform not in PLATFORMS:
        choices = ", ".join(sorted(PLATFORMS))
        raise RegistryError(f"{where}.platform: unknown platform {platform!r} (one of {choices})")
    delay = entry.get("download_delay")
    if delay is not None and (not isinstance(delay, int | float) or delay < 0):
        raise RegistryError(f"{where}.download_delay: must be a number of seconds >= 0")
    obey = entry.get("obey_robots", True)
    if not isinstance(obey, bool):
        raise RegistryError(f"{where}.obey_robots: must be true or false")
    contact = entry.get("contact")
    if contact is not None and (not isinstance(contact, str) or not contact.strip()):
        raise RegistryError(f"{where}.contact: must be a non-empty string (URL or e-mail)")
    limits = {}
    for key in LIMIT_FIELDS:
        value = entry.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise RegistryError(f"{where}.{key}: must be a whole number >= 1 (omit it: no limit)")
        limits[key] = value
    discover = entry.get("discover", True)
    if not isinstance(discover, bool):
        raise RegistryError(f"{where}.discover: must be true or false")
    if not discover and not entry.get("sections"):
        raise RegistryError(f"{where}.discover: false needs the sections to crawl")
    allowed = {"name", "base_url", "platform", "sections", "download_delay", "obey_robots",
               "contact", "discover", *LIMIT_FIELDS}  # fmt: skip
    unknown = set(entry) - allowed
    if unknown:
        raise RegistryError(f"{where}.{sorted(unknown)[0]}: unknown field")
    return Portal(
        slug=slug,
        name=name,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        platform=platform,
        sections=_parse_sections(entry.get("sections"), where),
        download_delay=float(delay) if delay is not None else None,
        obey_robots=obey,
        contact=contact.strip() if contact else None,
        limits=Limits(**limits),
        discover=discover,
    )


def _parse_sections(raw: Any, where: str) -> tuple[Section, ...]:
    """The seed sections a person chose (optional: every crawl also finds the home page's
    sections by evidence, and the archive records them; see docs/coverage.md)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RegistryError(f"{where}.sections: must be a list of {{path, name}} (or omitted)")
    sections = []
    for index, item in enumerate(raw):
        here = f"{where}.sections[{index}]"
        if not isinstance(item, dict):
            raise RegistryError(f"{here}: must be a table {{ path = ..., name = ... }}")
        path = _required_str(item, "path", here)
        if not (path.startswith("/") or path.startswith(("http://", "https://"))):
            raise RegistryError(f"{here}.path: must start with '/' or be an http(s) URL")
        sections.append(Section(path=path, name=_required_str(item, "name", here)))
    return tuple(sections)


def _required_str(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}.{key}: required, must be a non-empty string")
    return value.strip()


def _check_url(url: str, where: str, field: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as exc:  # "http://[::1" (unclosed IPv6 host)
        raise RegistryError(f"{where}.{field}: not a valid URL ({exc}), got {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"{where}.{field}: must be an http(s) URL with a host, got {url!r}")
