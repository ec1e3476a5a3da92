"""Plain async services per feature: no Telegram imports; they take a session and plain values."""
