"""`python -m bot` is `gotungnha`."""

from bot.cli import main

main()
