"""Running a concept card's live example through the solver registry, and the cards' self-test.

The example's arguments go through the calculator's parsers (``examprep solve``), so a card's
``args`` are exactly what a student would type after ``key=``, and formulas pass the whitelist
parser before a solver sees them. The numbers shown by ``examprep explain`` are the solver's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from examprep.bank.cards import Card, CardSet, Example, arg_text
from solvers.core import Solution, SolverInputError, Text

if TYPE_CHECKING:
    from examprep.bank.loader import Bank

PLOT_SOLVER = "optim.optimizer"


class ExampleError(ValueError):
    """The example cannot run: unknown solver, bad argument, impossible inputs."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True)
class ExampleRun:
    label: str
    inputs: dict[str, Any]
    solution: Solution


@dataclass(frozen=True)
class ExampleResult:
    solver_id: str
    summary: Text
    runs: tuple[ExampleRun, ...]
    #: (loss tree, its two variable names, label -> points from θ₀) when a 2-D path plot applies
    paths: tuple[Any, list[str], dict[str, list[list[float]]]] | None = None


def prepare_inputs(example: Example) -> list[tuple[str, dict[str, Any]]]:
    """(label, solver inputs) per run: the card's args read by the calculator's parsers, exactly as
    ``examprep solve`` reads them. Raises ExampleError on an unknown solver or a bad argument."""
    from examprep.calculator import CalculatorError, parse_arguments, resolve

    try:
        spec = resolve(example.solver)
    except CalculatorError:
        raise ExampleError(Text(f"unknown solver {example.solver!r}", f"没有求解器 {example.solver!r}")) from None
    out = []
    for label, args in example.runs():
        try:
            out.append((label, parse_arguments(spec, [f"{key}={arg_text(value)}" for key, value in args.items()])))
        except CalculatorError as exc:
            prefix = f"{label}: " if label else ""
            raise ExampleError(Text(prefix + exc.text.en, prefix + exc.text.zh)) from None
    return out


def run_example(example: Example, prepared: list[tuple[str, dict[str, Any]]] | None = None) -> ExampleResult:
    """Run every compared variant of the example; raises ExampleError (bilingual) on any problem.

    ``prepared`` are inputs already read by :func:`prepare_inputs` (the card cache keeps them, so
    ``explain`` need not import the parsers); without them the args are read here."""
    from solvers import registry

    if prepared is None:
        prepared = prepare_inputs(example)
    try:
        spec = registry.get(example.solver)
    except registry.UnknownSolverError:
        raise ExampleError(Text(f"unknown solver {example.solver!r}", f"没有求解器 {example.solver!r}")) from None
    runs = []
    for label, inputs in prepared:
        try:
            solution = spec.func(**inputs)
        except SolverInputError as exc:
            prefix = f"{label}: " if label else ""
            raise ExampleError(Text(prefix + exc.text.en, prefix + exc.text.zh)) from None
        runs.append(ExampleRun(label, inputs, solution))
    paths = _paths(example, spec.id, runs) if example.plot else None
    return ExampleResult(spec.id, spec.summary, tuple(runs), paths)


def _paths(
    example: Example, solver_id: str, runs: list[ExampleRun]
) -> tuple[Any, list[str], dict[str, list[list[float]]]]:
    """The optimizer paths of every run on the shared 2-D loss (start point included)."""
    not_2d = ExampleError(
        Text(
            "plot: true needs the optim.optimizer solver on a loss of two variables",
            "plot: true 需要 optim.optimizer 求解器和含两个变量的损失函数",
        )
    )
    first = runs[0].inputs
    if solver_id != PLOT_SOLVER or not first.get("loss") or len(first.get("start", ())) != 2:
        raise not_2d
    from solvers.safe_expr import free_names, parse

    loss = parse(first["loss"])
    names = [v.strip() for v in first["vars"].split(",")] if first.get("vars") else sorted(free_names(loss))
    if len(names) != 2 or any(run.inputs.get("loss") != first["loss"] for run in runs):
        raise not_2d
    paths = {}
    for run in runs:
        label = run.label or str(run.inputs.get("method", ""))
        paths[label] = [list(run.inputs["start"])] + [list(p) for p in run.solution.answers["trajectory"]]
    return loss, names, paths


def result_json(result: ExampleResult) -> dict[str, Any]:
    from examprep.calculator import to_json_value

    return {
        "solver": result.solver_id,
        "runs": [
            {"label": run.label, "inputs": to_json_value(run.inputs), "answers": to_json_value(run.solution.answers)}
            for run in result.runs
        ],
    }


# --- the self-test ------------------------------------------------------------------------------


@dataclass
class CardReport:
    card_id: str
    path: str
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures


def check_card(card: Card, bank: Bank | None, cards: CardSet | None = None) -> CardReport:
    """What loading cannot see: related ids among the cards, exam ids in the bank, the example's
    solver, args and answers."""
    failures: list[str] = []
    if cards is not None:
        for rid in card.related:
            if rid == card.id:
                failures.append("field 'related': a card cannot be related to itself")
            elif rid not in cards.cards:
                failures.append(f"field 'related': no card with id {rid!r}")
    if bank is not None:
        for tid in card.exam:
            if bank.get(tid) is None:
                failures.append(f"field 'exam': no template with id {tid!r} in the bank")
    if card.example is not None:
        try:
            result = run_example(card.example)
        except ExampleError as exc:
            failures.append(f"field 'example': {exc.text.en}")
        else:
            for key in card.example.show:
                missing = [run.label or "example" for run in result.runs if key not in run.solution.answers]
                if missing:
                    failures.append(f"field 'example.show': {result.solver_id} gives no answer {key!r}")
    return CardReport(card.id, card.path, failures)


def check_cards(cards: CardSet, bank: Bank | None, topic: str | None = None) -> list[CardReport]:
    return [check_card(card, bank, cards) for card in cards.by_topic(topic)]
