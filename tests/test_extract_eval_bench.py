"""bench/extract_eval.py runs end to end on a few pages and writes figures of the right shape.

The bench measures; this only keeps it runnable as extraction changes underneath it. Skips when
../shared (the evaluation pages) is absent, as in a user's clone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_extract_eval_bench_on_five_pages(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "extract_eval.py"), "--limit", "5", "--worst", "3",
         "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    evaluation = figures["trafilatura_eval"]
    assert evaluation["pages"] == 5
    for name in ("ours expect=article", "ours (no expect)", "trafilatura default",
                 "trafilatura favor_precision"):  # fmt: skip
        system = evaluation["systems"][name]
        assert 0.0 <= system["f1"] <= 1.0
        assert system["tp"] + system["fn"] > 0
        assert system["ms_median"] > 0
    kinds = evaluation["systems"]["ours expect=article"]["kinds"]
    assert sum(kinds.values()) == 5
    assert isinstance(evaluation["systems"]["ours expect=article"]["field_sources"], dict)
    assert len(evaluation["worst"]) == 3
    assert {"as served", "class/id renamed"} <= set(figures["devset"])
    assert "kind" in figures["devset"]["as served"]["fields"]
    assert len(figures["hanoi_liferay"]) == 7
    assert "trafilatura-eval: 5 pages" in done.stdout


def test_extract_eval_bench_rejects_bad_arguments() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "extract_eval.py"), "--limit", "0"],
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 2
