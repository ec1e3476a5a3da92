"""Cases: a young person talking to a moderator, the staff chat, referral and alerts."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register the person's side (its relay is the second interceptor), the staff side and
    the case figures."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import moderation, notify, person, stats
    router.after_sent(notify.POSTED, notify.posted_durably)
    person.register_conversation(router)
    moderation.register(router)
    stats.register(router)
