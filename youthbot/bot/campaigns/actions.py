"""Campaigns' buttons."""

from __future__ import annotations

from ..runtime.callbacks import Action

# The poster link and QR code of one published activity (its leader, or an admin).
POSTER = Action("camp.poster", activity=int)
