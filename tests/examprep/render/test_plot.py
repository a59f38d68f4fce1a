"""The trajectory plot puts each path where its points are and shades the loss."""

from rich.console import Console

from examprep.render.plot import trajectory_plot
from solvers.safe_expr import parse


def render(text) -> list[str]:
    console = Console(width=120, record=True, color_system=None)
    console.print(text)
    return console.export_text().splitlines()


def test_start_and_path_letters_appear_in_the_right_corners():
    lines = render(
        trajectory_plot(parse("x^2 + y^2"), ["x", "y"], {"sgd": [(1, 1), (0.5, 0.5), (-1, -1)]}, width=21, height=11)
    )
    grid = lines[:11]
    assert "○" in grid[1]  # start (1, 1): top-right area (margins make it the second row)
    assert grid[9].find("S") < grid[1].find("○")  # the last point (-1, -1) lies lower left
    assert "S = sgd" in lines[-1]


def test_lowest_loss_gets_the_densest_shade():
    lines = render(
        trajectory_plot(parse("x^2 + y^2"), ["x", "y"], {"a": [(-1, -1), (-1, 1), (1, 1)]}, width=21, height=11)
    )
    middle_row = lines[5]
    assert middle_row[10] in "@%"  # the centre (0, 0) is the minimum
    assert middle_row[0] not in "@"
