"""msez.cli: the ``msez`` command. Renders library errors as one line on stderr and a non-zero exit code."""

from msez.cli._app import app, main, run

__all__ = ["app", "main", "run"]
