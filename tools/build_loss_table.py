"""Write ``solvers/optim/loss_table.json``: every loss formula the bank can draw, differentiated.

Run after adding or changing a loss in the bank (``tests/solvers/optim/test_loss_table.py`` fails
until you do):

    python tools/build_loss_table.py [--variants 60]

It runs the bank's self-check (every template, ``--variants`` seeds each) and every concept card's
live example, notes each loss formula the solvers are asked to compile, and stores what sympy
makes of it (see ``solvers.optim.loss_table``).
"""

from __future__ import annotations

import argparse
import json

from examprep.bank.card_example import check_cards
from examprep.bank.cards import load_cards
from examprep.bank.check import check_bank
from examprep.bank.loader import load_bank
from solvers.optim import loss, loss_table


def losses_the_bank_uses(variants: int) -> set[tuple[str, tuple[str, ...] | None]]:
    """Every (formula, variables) the bank's templates and cards compile in ``variants`` seeds."""
    seen: set[tuple[str, tuple[str, ...] | None]] = set()
    compile_for_real = loss._compile_cached

    def noting(text: str, names: tuple[str, ...] | None) -> loss.CompiledLoss:
        seen.add((text, names))
        return compile_for_real(text, names)

    loss._compile_cached = noting  # type: ignore[assignment]
    try:
        bank = load_bank()
        check_bank(bank, variants=variants)
        check_cards(load_cards(), bank)
    finally:
        loss._compile_cached = compile_for_real  # type: ignore[assignment]
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=60, help="seeds per template (default 60)")
    args = parser.parse_args()
    losses: dict[str, dict] = {}
    skipped = []
    for text, names in sorted(losses_the_bank_uses(args.variants), key=lambda pair: (pair[0], pair[1] or ())):
        made = loss_table.entry(text, names)
        if made is None:
            skipped.append(text)
            continue
        losses[made[0]] = made[1]
    data = {"version": loss_table.VERSION, "losses": dict(sorted(losses.items()))}
    loss_table.TABLE_PATH.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(losses)} losses written to {loss_table.TABLE_PATH}")
    for text in skipped:
        print(f"kept on the sympy path (its derivative does not read back): {text}")


if __name__ == "__main__":
    main()
