"""The command line: typer commands over the library (`debater.cli.app`)."""

from debater.cli.app import app, main

__all__ = ["app", "main"]
