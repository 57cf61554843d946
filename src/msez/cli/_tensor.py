"""``msez tensor evaluate`` and ``msez manifold route``: compliance with its reasons, and routes between zones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from msez.cli._output import stdout
from msez.core import load_document
from msez.tensor import evaluation_request_from_json
from msez.tensor.manifold import PathConstraint, standard_manifold

tensor_app = typer.Typer(help="Evaluate compliance over the 20 domains, with the reason for every result.")
manifold_app = typer.Typer(help="Route between jurisdictions over corridors (the standard DIFC/AIFC/RSEZ manifold).")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@tensor_app.command("evaluate")
def evaluate(
    file: Annotated[Path, typer.Argument(help="Evaluation request: jurisdiction_id, subject, cells (JSON/YAML).")],
    as_json: JsonOpt = False,
) -> None:
    """Evaluate a subject with the default evaluators; exit 1 if any domain is not passing."""
    data = load_document(file)
    if not isinstance(data, dict):
        raise typer.BadParameter("the request must be a JSON object")
    tensor, subject, _ = evaluation_request_from_json(data)
    evaluation = tensor.evaluate_all(subject)
    if as_json:
        stdout.print_json(json.dumps(evaluation.to_json()))
    else:
        table = Table(title=f"{subject.entity_id} in {tensor.jurisdiction_id} at {evaluation.evaluated_at}")
        for column in ("domain", "state", "reason", "why"):
            table.add_column(column)
        skipped = [d.value for d, r in evaluation.results.items() if r.reason == "not_applicable_in_jurisdiction"]
        for domain, result in evaluation.results.items():
            if domain.value not in skipped:
                table.add_row(domain.value, result.state.value, result.reason, result.detail)
        stdout.print(table)
        if skipped:
            stdout.print(f"not applicable in {tensor.jurisdiction_id}: {', '.join(skipped)}")
        stdout.print(f"aggregate: {evaluation.aggregate.value}; commitment {evaluation.commitment().digest.hex}")
    if not evaluation.all_passing:
        raise typer.Exit(1)


@manifold_app.command("route")
def route(
    source: Annotated[str, typer.Argument(help="Source jurisdiction id, e.g. uae-difc.")],
    target: Annotated[str, typer.Argument(help="Target jurisdiction id, e.g. pk-rsez.")],
    *,
    value: Annotated[int, typer.Option(help="Asset value in minor units (US cents).")] = 0,
    max_hops: Annotated[int, typer.Option(help="Most corridors to cross.")] = 5,
    max_cost: Annotated[int | None, typer.Option(help="Cost limit in minor units.")] = None,
    k: Annotated[int, typer.Option(help="How many cheapest loop-free routes.")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Print the cheapest routes; exit 1 if there is none."""
    limits = PathConstraint(max_hops=max_hops, max_total_cost=max_cost)
    paths = standard_manifold().k_shortest_paths(source, target, k, value=value, constraints=limits)
    if as_json:
        stdout.print_json(json.dumps([p.to_json() for p in paths]))
    for rank, path in enumerate(paths if not as_json else [], 1):
        via = " -> ".join(path.jurisdictions)
        stdout.print(f"{rank}. {via}: cost {path.total_cost}, {path.total_hours} h ({path.path_id})")
    if not paths:
        raise typer.Exit(1)
