"""The registry: every calculator name resolves, every solver documents itself in both languages."""

from solvers import registry


def test_every_calculator_name_resolves_to_a_registered_solver():
    specs = registry.load_all()
    assert {name: sid for name, sid in registry.cli_names().items() if sid not in specs} == {}


def test_issue_contract_names_exist():
    names = registry.cli_names()
    for name in ("conv2d", "pool2d", "optimizer", "lr-schedule", "clip", "gridworld", "td-update", "return",
                 "attention", "rnn-params", "batchnorm", "layernorm"):  # fmt: skip
        assert name in names


def test_every_solver_and_parameter_is_documented_in_both_languages():
    for spec in registry.load_all().values():
        assert spec.summary.en.strip() and spec.summary.zh.strip(), spec.id
        for param in spec.params:
            assert param.help.en.strip() and param.help.zh.strip(), f"{spec.id}.{param.name}"
            if param.kind == "choice":
                assert param.choices, f"{spec.id}.{param.name} has no choices"
