"""Build hook: ship the gettext catalogs inside the wheel, compiled by Babel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return  # an editable install reads ../locales and compiles at start
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        out = Path(tempfile.mkdtemp(prefix="youthbot-locales-"))
        for po in sorted(Path(self.root, "locales").glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(Path(self.root, "locales"))
            mo = out / relative.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as dst:
                write_mo(dst, catalog)
            build_data["force_include"][str(po)] = f"youthbot/locales/{relative}"
            build_data["force_include"][str(mo)] = (
                f"youthbot/locales/{relative.with_suffix('.mo')}"
            )
