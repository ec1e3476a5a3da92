"""The safety feature's buttons, each declared once: its name (unchanged, so buttons already
on phones keep working) and its typed arguments. Other features build these buttons from
here, never from the handlers."""

from __future__ import annotations

from ...core.safety.danger import Category
from ..runtime.callbacks import Action

CHECKIN_YES = Action("danger.yes", category=Category)  # "Yes, I need help"
CHECKIN_NO = Action("danger.no")  # "No, I was only asking"
QUICK_EXIT = Action("exit")  # 🚪 Quick exit: the chat is cleared, the hold is set
SHOW_HELD = Action("hold.show")  # 👀 Show what waited during the hold
CLEAR_GUIDE = Action("privacy.clearhow")  # 🧹 How to clear this chat yourself
