"""The ward officer's web dashboard: read-only pages served by the bot's own web app."""
