"""`python -m bot` is `gotungnha`."""

from bot.cli.main import main

main()
