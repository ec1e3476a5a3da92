"""Running against Telegram: long polling, or a webhook behind a secret."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlparse

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from .app import build_application
from .config import Settings

logger = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook: bool) -> int:
    """Run until SIGINT/SIGTERM; a start-up failure is one clear line, not a traceback."""
    if webhook and (not settings.webhook_url or not settings.webhook_secret):
        missing = "WEBHOOK_URL" if not settings.webhook_url else "WEBHOOK_SECRET"
        print(f"youthbot: {missing} must be set to run with a webhook", file=sys.stderr)
        return 2
    application = build_application(settings, rate_limit=True)
    try:
        if webhook:
            url = settings.webhook_url
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(url).path.lstrip("/"),
                webhook_url=url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("youthbot: TELEGRAM_BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(
            f"youthbot: cannot reach the Bot API ({type(exc).__name__}); check the network "
            "or TELEGRAM_API_BASE_URL",
            file=sys.stderr,
        )
        return 1
    except (DBAPIError, OSError) as exc:
        print(
            f"youthbot: DATABASE_URL: cannot use the database ({type(exc).__name__})",
            file=sys.stderr,
        )
        return 1
    return 0
