"""The web side: the starlette server, the dashboard, metrics and signed download links."""
