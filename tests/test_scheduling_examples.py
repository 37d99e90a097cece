"""The scheduling recipes in docs/ are real files that their tools accept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_workflow_has_a_schedule_a_crawl_and_a_publish_step() -> None:
    workflow = yaml.safe_load((EXAMPLES / "crawl.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads on: as True
    assert triggers["schedule"][0]["cron"].split()[0] == "17"
    steps = workflow["jobs"]["crawl"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "portal-archive crawl --all" in runs and "gh release upload" in runs
    assert workflow["concurrency"]["cancel-in-progress"] is False  # never kill a running crawl


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_units_verify(tmp_path: Path) -> None:
    for name in ("portal-archive-crawl.service", "portal-archive-crawl.timer"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "portal-archive-crawl.timer")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    problems = [
        line for line in result.stderr.splitlines()
        # The unit names a program and user of the target machine, not of this one.
        if "portal-archive-crawl" in line and "is not executable" not in line
        and "No such file" not in line and "User" not in line
    ]  # fmt: skip
    assert not problems, result.stderr
