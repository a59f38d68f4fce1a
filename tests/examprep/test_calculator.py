"""Calculator helpers: argument parsing by parameter kind and JSON output."""

import json

import pytest

from examprep.calculator import CalculatorError, parse_arguments, resolve, tidy_float, to_json_value


def test_round_off_noise_is_dropped_from_json_but_real_digits_are_kept():
    assert tidy_float(0.1 + 0.2) == 0.3
    assert to_json_value([(0.30000000000000004,), [1.0000000000000002]]) == [[0.3], [1.0]]
    assert tidy_float(2 / 3) == 2 / 3
    assert tidy_float(9.262634994159962e-222) == 9.262634994159962e-222


def test_arguments_are_parsed_by_kind():
    spec = resolve("conv2d")
    values = parse_arguments(spec, ["input=（９７，９７，３）", "filters=15", "kernel=9x9", "stride=2", "bias=false"])
    assert values == {"input": (97, 97, 3), "filters": 15, "kernel": (9, 9), "stride": 2, "bias": False}


@pytest.mark.parametrize(
    "args", [["input=97x97"], ["input=97x97x3", "filters=1.5", "kernel=3"], ["input=a", "filters=1", "kernel=3"]]
)
def test_bad_arguments_raise_a_usage_error(args):
    with pytest.raises(CalculatorError):
        parse_arguments(resolve("conv2d"), args)


def test_negative_zero_is_shown_as_zero():
    import math

    import numpy as np

    for value in (tidy_float(-0.0), *to_json_value([-0.0, (-0.0,)])[:1], to_json_value(np.array([-0.0, 1.0]))[0]):
        assert value == 0 and math.copysign(1.0, value) == 1.0
    assert "-0" not in json.dumps(to_json_value({"g": [0.6, -0.0], "m": np.array([[-0.0]])}))
