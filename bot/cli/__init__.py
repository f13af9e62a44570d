"""`gotungnha`, the command line: `main` is the typer app (one module per command group)."""
