"""Console output for the CLI: results on stdout, diagnostics on stderr, one line per error."""

from __future__ import annotations

import sys

from rich.console import Console

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def err(message: str) -> None:
    """One diagnostic line on stderr (markup disabled, so paths and JSON print verbatim)."""
    stderr.print(" ".join(message.split()), markup=False)


def write_bytes(data: bytes) -> None:
    """Raw bytes to stdout (for canonical bytes, which must not be re-encoded)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
