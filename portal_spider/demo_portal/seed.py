"""The one real article of the demo portal, read verbatim from seed_article.txt.

The file mirrors how the article looks on the real portal: title, lead paragraph, image caption,
body paragraphs (indented), the author line, then page furniture ("CÁC BÀI VIẾT KHÁC", the
counter) that the renderer reproduces and is not part of the article itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SEED_PATH = Path(__file__).with_name("seed_article.txt")
AUTHOR_PREFIXES = ("Thực hiện:", "Tin, ảnh:", "Tin:", "Nguồn:", "Bài, ảnh:")


@dataclass(frozen=True)
class SeedArticle:
    title: str
    lead: str
    caption: str
    paragraphs: tuple[str, ...]
    author: str


def parse_seed(text: str) -> SeedArticle:
    """Split the seed file into blocks separated by blank lines; strip the indentation only."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    title, lead, caption, *rest = blocks
    author_at = next(i for i, block in enumerate(rest) if block.startswith(AUTHOR_PREFIXES))
    return SeedArticle(
        title=title,
        lead=lead,
        caption=caption,
        paragraphs=tuple(rest[:author_at]),
        author=rest[author_at],
    )


@lru_cache(maxsize=1)
def load_seed() -> SeedArticle:
    return parse_seed(SEED_PATH.read_text(encoding="utf-8"))
