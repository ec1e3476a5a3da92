"""Telegram side: handlers per feature, keyboards and callback data, views."""
