"""The README is what a newcomer reads first (issue 15): short, its two commands the ones CI
runs, and every link into docs/ (and between docs) leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_the_readme_is_short_and_its_commands_are_the_ones_ci_runs():
    text = README.read_text()
    assert len(text.encode()) <= 15_000
    ci = (ROOT / ".ci/run").read_text()
    # both install exactly the locked versions, every file checked against its hash
    locked = "--require-hashes -r requirements-dev.lock"
    assert f".venv/bin/pip install -q {locked}\n" in ci and ".venv/bin/pytest -q\n" in ci
    assert ".venv/bin/pip install -q --no-deps -e .\n" in ci
    assert (
        f"python3 -m venv .venv && .venv/bin/pip install {locked} && "
        ".venv/bin/pip install --no-deps -e . && .venv/bin/youthbot console" in text
    )
    assert "```sh\n.venv/bin/pytest -q\n```" in text
    for name in ("young person", "leader", "moderator", "admin"):
        assert f"**{name.capitalize()}**" in text
    for option in ("--role leader|moderator|admin", "--moderator"):
        assert option in text


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.name)
def test_every_local_link_leads_somewhere(page):
    for target in LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://", "mailto:", "tel:")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file), f"{page.name} links to {target}: no such heading"
