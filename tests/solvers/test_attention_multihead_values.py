"""attention.multihead_values checked three independent ways: a plain-loop implementation written
here, a small example worked by hand, and PyTorch's nn.MultiheadAttention."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from solvers import registry
from solvers.core import SolverInputError

SPEC = registry.get("attention.multihead_values")
solve = SPEC.func


# ---------------------------------------------------------------- a plain-loop reference


def matmul(a, b):
    return [[sum(a[i][t] * b[t][j] for t in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def loop_mha(
    x, heads, wq, wk, wv, wo, bq=None, bk=None, bv=None, bo=None, divisor=None, by_columns=False, reverse=False
):
    """Multi-head self-attention with nothing but loops and math.exp (row convention, textbook layout)."""
    n = len(x)

    def project(w, b):
        p = matmul(x, w)
        return [[p[i][j] + (b[j] if b else 0) for j in range(len(p[0]))] for i in range(n)]

    q, k, v = project(wq, bq), project(wk, bk), project(wv, bv)
    h = heads
    dk, dv = len(q[0]) // h, len(v[0]) // h
    scale = math.sqrt(dk) if divisor is None else divisor
    res = {"q": q}
    heads = []
    for head in range(h):
        qs = [row[head * dk : (head + 1) * dk] for row in q]
        ks = [row[head * dk : (head + 1) * dk] for row in k]
        vs = [row[head * dv : (head + 1) * dv] for row in v]
        s = [[sum(qs[i][t] * ks[j][t] for t in range(dk)) / scale for j in range(n)] for i in range(n)]
        a = [[0.0] * n for _ in range(n)]
        if by_columns:
            for j in range(n):
                total = sum(math.exp(s[i][j]) for i in range(n))
                for i in range(n):
                    a[i][j] = math.exp(s[i][j]) / total
        else:
            for i in range(n):
                total = sum(math.exp(s[i][j]) for j in range(n))
                for j in range(n):
                    a[i][j] = math.exp(s[i][j]) / total
        out = [[sum(a[i][j] * vs[j][c] for j in range(n)) for c in range(dv)] for i in range(n)]
        res[f"scores_{head + 1}"], res[f"weights_{head + 1}"], res[f"head_{head + 1}"] = s, a, out
        heads.append(out)
    order = heads[::-1] if reverse else heads
    concat = [sum((hd[i] for hd in order), []) for i in range(n)]
    output = matmul(concat, wo)
    if bo:
        output = [[output[i][j] + bo[j] for j in range(len(output[0]))] for i in range(n)]
    res.update(concat=concat, output=output)
    return res


def close(a, b, tol=1e-9):
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b, strict=True))
    return abs(a - b) <= tol * max(1.0, abs(b))


def transpose(m):
    return [list(r) for r in zip(*m, strict=True)]


small = st.integers(-2, 2)


@st.composite
def layers(draw, with_bias=True):
    h = draw(st.sampled_from([1, 2, 4]))
    n = draw(st.integers(1, 4))
    d = 4

    def mat(r, c):
        return draw(st.lists(st.lists(small, min_size=c, max_size=c), min_size=r, max_size=r))

    def vec(c):
        return draw(st.lists(small, min_size=c, max_size=c)) if with_bias and draw(st.booleans()) else None

    return {
        "x": mat(n, d),
        "heads": h,
        "wq": mat(d, d),
        "wk": mat(d, d),
        "wv": mat(d, d),
        "wo": mat(d, d),
        "bq": vec(d),
        "bk": vec(d),
        "bv": vec(d),
        "bo": vec(d),
    }


@settings(max_examples=80, deadline=None)
@given(layers())
def test_every_answer_matches_a_plain_loop_implementation(p):
    got = solve(**p).answers
    want = loop_mha(**p)
    for key, value in want.items():
        assert close(got[key], value), key


@settings(max_examples=40, deadline=None)
@given(layers())
def test_pytorch_layout_is_the_textbook_layout_transposed(p):
    textbook = solve(**p).answers
    packed = {**p, **{k: transpose(p[k]) for k in ("wq", "wk", "wv", "wo")}, "convention": "pytorch"}
    assert close(solve(**packed).answers["output"], textbook["output"])


# ---------------------------------------------------------------- worked by hand

HAND = {
    "x": [[1, 0, 1, 0], [0, 1, 0, 1]],
    "heads": 2,
    "wq": [[1, 0, 0, 1], [0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 1, 1]],
    "wk": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
    "wv": [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]],
    "wo": [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
}


def test_hand_worked_example():
    # By hand: Q = [2,0,0,1; 0,1,2,1], K = X, V = [1,0,1,1; 1,1,0,1].
    # Head 1: Q₁ = [2,0; 0,1], K₁ = I, so S₁ = [2,0; 0,1]/√2. With two keys a softmax row is
    # (σ(s₁ − s₂), σ(s₂ − s₁)), σ the logistic function.
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    r2 = math.sqrt(2)
    a1 = [[sig(2 / r2), sig(-2 / r2)], [sig(-1 / r2), sig(1 / r2)]]
    # V₁ = [1,0; 1,1]: the first column is all ones, the second picks the weight of key 2.
    head1 = [[1, a1[0][1]], [1, a1[1][1]]]
    # Head 2: Q₂ = [0,1; 2,1], K₂ = I, S₂ = [0,1; 2,1]/√2; V₂ = [1,1; 0,1].
    a2 = [[sig(-1 / r2), sig(1 / r2)], [sig(1 / r2), sig(-1 / r2)]]
    head2 = [[a2[0][0], 1], [a2[1][0], 1]]
    concat = [head1[0] + head2[0], head1[1] + head2[1]]
    # W_O swaps columns 1↔2 and 3↔4.
    output = [[r[1], r[0], r[3], r[2]] for r in concat]
    got = solve(**HAND).answers
    assert close(got["weights_1"], a1) and close(got["weights_2"], a2)
    assert close(got["scores_1"], [[r2, 0], [0, 1 / r2]])
    assert close(got["concat"], concat) and close(got["output"], output)
    # the numbers as one would write them on paper, to 4 decimals
    assert [round(v, 4) for v in got["output"][0]] == [0.1956, 1.0, 1.0, 0.3302]


def test_steps_show_every_head_with_grids_and_name_the_convention():
    steps = solve(**HAND).steps
    assert "Textbook convention" in steps[0].note.en and "教材约定" in steps[0].note.zh
    for i in (1, 2):
        head_steps = [s for s in steps if s.what.en.startswith(f"Head {i}:")]
        assert len(head_steps) >= 6 and all(s.what.zh.startswith(f"第 {i} 个头") for s in head_steps)
        assert any(g.title and f"(head {i})" in g.title.en for s in head_steps for g in s.grids)
    assert steps[-1].formula.startswith("MultiHead(X) = Concat") and steps[-1].grids
    pytorch = solve(**{**HAND, "convention": "pytorch"}).steps
    assert "PyTorch convention" in pytorch[0].note.en and pytorch[1].formula == "Q = X·W_Qᵀ"


# ---------------------------------------------------------------- PyTorch


@pytest.mark.parametrize("seed", range(6))
def test_against_torch_multihead_attention(seed):
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(seed)
    n, d, h = 3, 4, 2
    x = torch.randint(-2, 3, (n, d), generator=gen).double()
    w = {k: torch.randint(-1, 2, (d, d), generator=gen).double() for k in ("wq", "wk", "wv", "wo")}
    b = {k: torch.randint(-1, 2, (d,), generator=gen).double() for k in ("bq", "bk", "bv", "bo")}
    mha = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True).double()
    with torch.no_grad():
        # PyTorch computes x·Wᵀ + b: its weights are the transposes of the textbook's X·W matrices.
        mha.in_proj_weight.copy_(torch.cat([w["wq"].T, w["wk"].T, w["wv"].T]))
        mha.in_proj_bias.copy_(torch.cat([b["bq"], b["bk"], b["bv"]]))
        mha.out_proj.weight.copy_(w["wo"].T)
        mha.out_proj.bias.copy_(b["bo"])
        out, weights = mha(x[None], x[None], x[None], need_weights=True, average_attn_weights=False)
    params = {"x": x.tolist(), "heads": h, **{k: v.tolist() for k, v in {**w, **b}.items()}}
    got = solve(**params).answers
    assert close(got["output"], out[0].tolist(), 1e-9)
    for i in range(h):
        assert close(got[f"weights_{i + 1}"], weights[0, i].tolist(), 1e-9)
    # the same layer given as PyTorch stores it
    packed = {
        "x": x.tolist(),
        "heads": h,
        "wq": mha.in_proj_weight[:d].tolist(),
        "wk": mha.in_proj_weight[d : 2 * d].tolist(),
        "wv": mha.in_proj_weight[2 * d :].tolist(),
        "wo": mha.out_proj.weight.tolist(),
        **{k: v.tolist() for k, v in b.items()},
        "convention": "pytorch",
    }
    assert close(solve(**packed).answers["output"], out[0].tolist(), 1e-9)


# ---------------------------------------------------------------- mistakes


def test_mistakes_reproduce_their_misconception():
    m = SPEC.mistakes
    assert close(m["scale_by_sqrt_d_model"](**HAND)["output"], loop_mha(**HAND, divisor=2.0)["output"])
    assert close(m["no_sqrt_scaling"](**HAND)["weights_2"], loop_mha(**HAND, divisor=1.0)["weights_2"])
    columns = m["softmax_over_wrong_axis"](**HAND)
    assert "scores_1" not in columns and close(columns["head_1"], loop_mha(**HAND, by_columns=True)["head_1"])
    assert close(m["heads_concatenated_in_reverse"](**HAND)["concat"], loop_mha(**HAND, reverse=True)["concat"])
    assert close(m["output_projection_forgotten"](**HAND)["output"], loop_mha(**HAND)["concat"])
    right = solve(**HAND).answers
    for name, func in m.items():
        wrong = func(**HAND)
        assert wrong and any(not close(wrong[k], right[k], 1e-3) for k in wrong), name


def test_mistakes_that_cannot_happen_predict_nothing():
    one_head = {**HAND, "heads": 1}
    assert SPEC.mistakes["heads_concatenated_in_reverse"](**one_head) == {}
    assert SPEC.mistakes["scale_by_sqrt_d_model"](**one_head) == {}  # d_k = d_model: the same number
    narrow = {**HAND, "wo": [[1, 0], [0, 1], [1, 1], [0, 1]]}  # output width 2 ≠ concat width 4
    assert SPEC.mistakes["output_projection_forgotten"](**narrow) == {}


def test_output_is_carried_from_the_students_concat():
    concat = [[1, 2, 3, 4], [0, 0, 1, 0]]
    carried = SPEC.carries["output"]({"concat": concat}, **HAND)
    assert carried == [[2, 1, 4, 3], [0, 0, 0, 1]]  # W_O swaps columns 1↔2 and 3↔4
    assert SPEC.carries["output"]({"concat": [[1, 2]]}, **HAND) is None
    assert SPEC.carries["output"]({}, **HAND) is None


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"heads": 3}, "cannot be split evenly into 3 heads"),
        ({"heads": 0}, "positive"),
        ({"wq": [[1, 0, 0, 1], [0, 1, 1, 0], [1, 0, 0, 0]]}, "d_model = 4"),
        ({"wk": [[1, 0], [0, 1], [0, 0], [1, 1]]}, "same number of output columns"),
        ({"wo": [[1, 0, 0, 0], [0, 1, 0, 0]]}, "h·d_v"),
        ({"bo": [1, 2]}, "b_O needs 4 entries"),
        ({"convention": "keras"}, "textbook or pytorch"),
    ],
)
def test_impossible_inputs_are_refused_in_both_languages(change, words):
    with pytest.raises(SolverInputError) as err:
        solve(**{**HAND, **change})
    assert words in err.value.text.en and err.value.text.zh


def _cli(*args):
    from examprep.cli import app

    return CliRunner().invoke(app, ["solve", "multihead-values", *args])


def _hand_args(**change):
    cells = {**HAND, **change}
    text = {k: ";".join(",".join(str(c) for c in row) for row in v) for k, v in cells.items() if k != "heads"}
    return [f"{k}={v}" for k, v in text.items()] + [f"heads={cells['heads']}"]


def test_cli_json_and_junk(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    result = _cli(*_hand_args(), "--json")
    assert result.exit_code == 0, result.output
    assert close(json.loads(result.stdout)["answers"]["output"], solve(**HAND).answers["output"])
    bad = _cli(*_hand_args(heads=3))
    assert bad.exit_code == 2 and "3 heads" in bad.stderr and "Traceback" not in bad.output
    junk = _cli(*[a if not a.startswith("wq=") else "wq=1,a;b" for a in _hand_args()])
    assert junk.exit_code == 2 and "Traceback" not in junk.output
    zh = _cli(*_hand_args(heads=3), "--lang", "zh")
    assert zh.exit_code == 2 and "个头" in zh.stderr
