"""Console output for the CLI: results on stdout, diagnostics on stderr, one line per error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from msez.core import write_atomic

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def err(message: str) -> None:
    """One diagnostic line on stderr (markup and emoji codes disabled, so paths, JSON and ``did:key:`` print
    verbatim)."""
    stderr.print(" ".join(message.split()), markup=False, emoji=False)


def write_bytes(data: bytes) -> None:
    """Raw bytes to stdout (for canonical bytes, which must not be re-encoded)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def write_json(path: Path, value: Any) -> None:
    """Pretty JSON (indented, UTF-8, trailing LF) written atomically with mode 0644."""
    write_atomic(path, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode=0o644)
