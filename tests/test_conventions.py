"""Architecture rules that keep the layers apart (see docs/architecture.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from archive.schema import COUNTER_KEYS as STORED_COUNTER_KEYS
from portal_spider.extract import COUNTER_KEYS as EXTRACTED_COUNTER_KEYS


def test_extraction_is_pure() -> None:
    """Importing the extractors pulls in no crawler, database or web framework."""
    code = (
        "import json, sys; import portal_spider.extract; "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    modules = set(json.loads(result.stdout))
    assert modules.isdisjoint({"scrapy", "twisted", "archive", "sqlite_utils", "datasette"})


def test_counter_keys_agree_between_extraction_and_storage() -> None:
    # Declared twice on purpose (extraction must not import the archive); kept equal here.
    assert tuple(EXTRACTED_COUNTER_KEYS) == tuple(STORED_COUNTER_KEYS)
