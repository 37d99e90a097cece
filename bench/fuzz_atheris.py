"""Coverage-guided fuzzing (atheris/libFuzzer) for long runs; tests/test_fuzz.py is the
bounded, every-commit version with the same checks (tests/fuzz_support.py).

atheris is not a project dependency (a 35 MB wheel for an occasional job): install it into
the venv first, then run one target at a time, e.g. for ten minutes:

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz_atheris.py extract -max_total_time=600

Targets: extract (page bytes), count, date, query (UTF-8 text). Seeds: the regression corpus
tests/fixtures/fuzz/<target>/ (and, for extract, every fixture page). New interesting inputs
go to data/fuzz/<target>/ (git-ignored, reused by the next run). A crash is written to
tests/fixtures/fuzz/<target>/crash-<sha1>: shrink it (libFuzzer's -minimize_crash=1), give
it a name saying what it is, fix the code, and test_fuzz.py replays it from then on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

with atheris.instrument_imports(include=["portal_spider", "archive"]):
    from tests.fuzz_support import CHECKS

CORPUS = REPO / "tests" / "fixtures" / "fuzz"
WORK = REPO / "data" / "fuzz"


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in CHECKS:
        sys.exit(f"usage: {argv[0]} {{{','.join(CHECKS)}}} [libFuzzer options]")
    target, options = argv[1], argv[2:]
    check = CHECKS[target]
    work = WORK / target
    work.mkdir(parents=True, exist_ok=True)
    seeds = [str(work), str(CORPUS / target)]
    if target == "extract":
        seeds += sorted({str(p.parent) for p in (REPO / "tests/fixtures").glob("**/*.html")})
    if not any(o.startswith("-artifact_prefix=") for o in options):
        options.append(f"-artifact_prefix={CORPUS / target}/")
    atheris.Setup([argv[0], *options, *seeds], check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
