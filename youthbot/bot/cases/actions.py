"""The cases feature's buttons, each declared once: its name (unchanged, so buttons already on
phones and in the staff chat keep working) and its typed arguments. Other features build
these buttons from here, never from the handlers."""

from __future__ import annotations

from ...core.cases import Feedback, Outcome
from ...core.cases.blocks import FlagReason
from ...core.safety.danger import Category
from ..help.actions import Whom, YesNo
from ..runtime.callbacks import Action

__all__ = ["FlagReason", "Feedback", "Outcome", "Whom", "YesNo"]

# The young person's side
# 💬 Talk to a person (from the help screens): topic -1 when not asked (danger)
TALK = Action("help.person", topic=int, whom=Whom, country=str, region=str, urgent=YesNo)
# 💬 Talk to a person offered after danger words: an urgent case, its topic from the kind
TALK_DANGER = Action("help.dperson", category=Category, country=str)
END = Action("help.end")  # ✋ End the conversation
REOPEN = Action("help.reopen", case=int)  # 🔁 Reopen, within 7 days
FEEDBACK = Action("help.feedback", case=int, answer=Feedback)  # did this help?

# The staff chat's side (a case card and its lists)
CLAIM = Action("case.claim", case=int)
VIEW = Action("case.view", case=int)  # 📄 History
REFER = Action("case.refer", case=int)  # 📨 Refer: which service?
REFER_TO = Action("case.referto", case=int, service=str)
CARD = Action("case.card", case=int)  # ⬅️ Back to the card
NOTE = Action("case.note", case=int)  # 📝 how to write a note
HAND_OVER = Action("case.handover", case=int)
CLOSE = Action("case.close", case=int)  # ✅ Close: how did it end?
CLOSE_WITH = Action("case.outcome", case=int, outcome=Outcome)

# Flag and block the account behind a case (core/cases/blocks.py)
FLAG = Action("case.flag", case=int)  # 🚩 Flag: why?
FLAG_AS = Action("case.flagas", case=int, reason=FlagReason)
BLOCK = Action("case.block", case=int)  # ⛔ Block (admins): why?
BLOCK_AS = Action("case.blockas", case=int, reason=FlagReason)

# Canned replies: topic → reply → (service) → preview → send (core/cases/canned.py)
# (short names: a reply id and a service id must fit in Telegram's 64 bytes; "-": no service)
CANNED = Action("cn.menu", case=int)
CANNED_TOPIC = Action("cn.t", case=int, topic=str)
CANNED_PICK = Action("cn.p", case=int, reply=str)
CANNED_SERVICE = Action("cn.s", case=int, reply=str, service=str)
CANNED_SEND = Action("cn.ok", case=int, reply=str, service=str)

# Assign a case to a named colleague of its team
ASSIGN = Action("case.assign", case=int)
ASSIGN_TO = Action("case.assignto", case=int, moderator=int)
