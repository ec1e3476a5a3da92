"""youthbot: the Youth Voices for Change Telegram bot."""
