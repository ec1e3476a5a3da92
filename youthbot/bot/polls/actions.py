"""The buttons of opinion polls, each declared once: its name and typed arguments."""

from __future__ import annotations

from ..runtime.callbacks import Action

ANSWER = Action("poll.ans", poll=int, option=int)  # a young person's choice
RESULTS = Action("poll.res", poll=int)  # an admin: the figures and the chart
CLOSE = Action("poll.close", poll=int)  # an admin: no more answers, share the results
SKIP = Action("poll.skip")  # an admin writing a poll: leave this language out
