"""The root ``msez`` command and its error handling; each command group lives in its own module."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from msez.cli import _core, _law, _licensepack, _node, _regpack, _serve, _tensor, _zone
from msez.cli._corridor import corridor_app
from msez.cli._corridor_state import state_app
from msez.cli._output import err
from msez.cli._settle import app as settle_app
from msez.cli._vc import app as vc_app
from msez.core import MsezError

app = typer.Typer(
    name="msez",
    help="msez: the Momentum SEZ Stack. Zones as configuration, corridors, compliance and settlement.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("about")(_core.about)
app.command("canon")(_core.canon)
app.command("digest")(_core.digest)
app.command("validate")(_zone.validate)
app.command("build")(_zone.build)
app.command("lock")(_zone.lock)
app.add_typer(_zone.conformance_app, name="conformance")
app.add_typer(settle_app, name="settle")
app.add_typer(vc_app, name="vc")
app.add_typer(_tensor.tensor_app, name="tensor")
app.add_typer(_tensor.manifold_app, name="manifold")
app.add_typer(_law.app, name="law")
app.add_typer(_regpack.app, name="regpack")
app.add_typer(_licensepack.app, name="licensepack")
app.add_typer(corridor_app, name="corridor")
app.command("serve")(_serve.serve)
app.add_typer(_node.app, name="node")
corridor_app.add_typer(state_app, name="state")

EXIT_ERROR = 2
EXIT_INTERNAL = 70


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (never raises, never prints a traceback)."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="msez")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except MsezError as e:
        err(f"error: {e}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except Exception as e:
        if os.environ.get("MSEZ_DEBUG"):
            raise
        err(f"internal error: {type(e).__name__}: {e} (set MSEZ_DEBUG=1 for a traceback)")
        return EXIT_INTERNAL
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
