"""Campaign links and QR codes: a link for a poster or a talk that opens the bot at the right
place, and two anonymous counters per link (people new to the bot, people who knew it).

Nothing per person: arriving through a link adds one to a counter in the arrival's own
transaction, and that is all that is written.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, Campaign
from ..figures import guarded, shown

# `/start` payloads are at most 64 characters of A-Z, a-z, 0-9, _ and - (Bot API).
PAYLOAD_PREFIX = "c_"
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: codes are read off posters
CODE_PATTERN = re.compile(r"^[a-z0-9]{1,20}$")
KINDS = ("menu", "help", "quiz", "activity")
NAME_LIMIT = 80


class CampaignError(ValueError):
    """A campaign that cannot be made as asked; `reason` says why (for a kind answer)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """What a link opens: the menu, Get help, one quiz or one activity."""

    kind: str
    ref: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref}" if self.ref else self.kind

    @property
    def activity_id(self) -> int | None:
        return int(self.ref) if self.kind == "activity" and self.ref else None


MENU = Target("menu")


def parse_target(text: str | None) -> Target:
    """"menu", "help", "quiz:<id>" or "activity:<number>"; anything else is refused."""
    text = (text or "menu").strip().lower()
    kind, _, ref = text.partition(":")
    if kind not in KINDS:
        raise CampaignError("target")
    if kind in ("menu", "help"):
        if ref:
            raise CampaignError("target")
        return Target(kind)
    if not ref:
        raise CampaignError("target")
    if kind == "activity" and not (ref.isdigit() and 0 < int(ref) < 2**52):
        raise CampaignError("target")
    if kind == "quiz" and not re.fullmatch(r"[a-z0-9-]{1,40}", ref):
        raise CampaignError("target")
    return Target(kind, ref)


def clean_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > NAME_LIMIT:
        raise CampaignError("name")
    return name


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def payload(code: str) -> str:
    return PAYLOAD_PREFIX + code


def link(bot_username: str, code: str) -> str:
    """The link to print: it opens the bot and sends /start c_<code>."""
    return f"https://t.me/{bot_username}?start={payload(code)}"


def qr_png(url: str) -> bytes:
    """A QR code of `url` as PNG bytes, large enough to print on a poster."""
    import qrcode  # noqa: PLC0415  (only campaigns need it)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=12, border=4)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


async def create(
    session: AsyncSession, *, name: str, target: Target, now: datetime
) -> Campaign:
    """A new campaign with a fresh code; the target must exist (a published activity)."""
    if target.activity_id is not None:
        await _published_activity(session, target.activity_id)
    campaign = Campaign(
        code=new_code(), name=clean_name(name), target=str(target), created_at=now,
        arrivals_new=0, arrivals_back=0,
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def for_activity(session: AsyncSession, activity_id: int, *, now: datetime) -> Campaign:
    """The activity's own poster link (made the first time it is asked for, then the same)."""
    code = f"a{activity_id}"
    campaign = await by_code(session, code)
    if campaign is not None:
        return campaign
    activity = await _published_activity(session, activity_id)
    campaign = Campaign(
        code=code, name=(activity.title or "")[:NAME_LIMIT] or code,
        target=str(Target("activity", str(activity_id))), created_at=now,
        arrivals_new=0, arrivals_back=0,
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def _published_activity(session: AsyncSession, activity_id: int) -> Activity:
    from ..activities import Status  # noqa: PLC0415

    activity = await session.get(Activity, activity_id)
    if activity is None or activity.status != Status.APPROVED:
        raise CampaignError("activity")
    return activity


async def by_code(session: AsyncSession, code: str) -> Campaign | None:
    if not CODE_PATTERN.match(code or ""):
        return None
    return await session.scalar(select(Campaign).where(Campaign.code == code))


async def count_arrival(session: AsyncSession, campaign_id: int, *, new: bool) -> None:
    """One more arrival, in one atomic statement (two replicas never lose one)."""
    column = Campaign.arrivals_new if new else Campaign.arrivals_back
    await session.execute(
        update(Campaign).where(Campaign.id == campaign_id).values({column: column + 1})
    )


@dataclass(frozen=True)
class Figure:
    """A campaign's counts as they may be shown (1 to 4 read "<5")."""

    code: str
    name: str
    target: str
    created_at: datetime
    new: str
    back: str
    total: str


async def figures(session: AsyncSession) -> list[Figure]:
    query = select(Campaign).order_by(Campaign.created_at, Campaign.id)
    rows = (await session.scalars(query)).all()
    return [figure_of(c) for c in rows]


def figure_of(campaign: Campaign) -> Figure:
    """The counts as they may be shown (core/figures.py): 1 to 4 read "<5", and when only one
    of the two parts is small, the other part reads "–" too, or the total would give it away."""
    new, back = guarded([campaign.arrivals_new, campaign.arrivals_back])
    return Figure(
        code=campaign.code, name=campaign.name, target=campaign.target,
        created_at=campaign.created_at, new=new, back=back,
        total=shown(campaign.arrivals_new + campaign.arrivals_back),
    )
