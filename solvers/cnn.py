"""Convolutional layers (nndl ch. 5): output sizes, parameters, connections, pooling, LeNet-5,
receptive fields and 1×1 bottlenecks.

Conventions (REFERENCE.md): output size M' = ⌊(M − K + 2P)/S⌋ + 1 with P the padding on *each*
side; a conv layer with P output maps of U×V kernels over D input maps has P·D·U·V + P
parameters; connections = (weights + bias per output map) × output neurons.
"""

from __future__ import annotations

import math
from typing import Any

from solvers.core import ParamSpec, Solution, SolverInputError, Step, Text, fmt_num, fmt_shape
from solvers.registry import carry, mistake, solver

Pair = tuple[int, int]


def _pair(value: Any) -> Pair:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return int(value[0]), int(value[0])
        return int(value[0]), int(value[1])
    return int(value), int(value)


def _shape3(value: Any) -> tuple[int, int, int]:
    dims = tuple(int(v) for v in value)
    if len(dims) == 2:
        return dims[0], dims[1], 1
    if len(dims) != 3:
        raise SolverInputError(
            Text(
                f"the input must be H×W×D (got {len(dims)} numbers)",
                f"输入应写成 高×宽×通道数（给了 {len(dims)} 个数）",
            )
        )
    return dims  # type: ignore[return-value]


def _check_positive(**values: int) -> None:
    for name, value in values.items():
        if value <= 0:
            raise SolverInputError(Text(f"{name} must be positive (got {value})", f"{name} 必须为正数（给了 {value}）"))


def out_size(m: int, k: int, s: int, p: int) -> int:
    """M' = ⌊(M − K + 2P)/S⌋ + 1, the size along one spatial dimension."""
    if m + 2 * p < k:
        raise SolverInputError(
            Text(
                f"the kernel ({k}) is larger than the padded input ({m} + 2·{p})",
                f"卷积核（{k}）比填充后的输入（{m} + 2·{p}）还大",
            )
        )
    return (m - k + 2 * p) // s + 1


def _size_step(axis: Text, m: int, k: int, s: int, p: int) -> Step:
    numerator = m - k + 2 * p
    size = numerator // s + 1
    exact = numerator % s == 0
    note = None
    if not exact:
        note = Text(
            f"({numerator})/{s} = {fmt_num(numerator / s)} is not a whole number: take the floor "
            "(the last window that would stick out of the input is dropped), as frameworks do.",
            f"({numerator})/{s} = {fmt_num(numerator / s)} 不是整数：向下取整（超出输入的最后一个窗口被丢弃），"
            "与常用框架一致。",
        )
    return Step(
        what=axis,
        formula="M' = ⌊(M − K + 2P) / S⌋ + 1",
        substituted=f"⌊({m} − {k} + 2·{p}) / {s}⌋ + 1 = ⌊{numerator}/{s}⌋ + 1",
        result=str(size),
        note=note,
    )


CONV_PARAMS = [
    ParamSpec("input", "shape", Text("input size H×W×D, e.g. 97x97x3", "输入大小 高×宽×通道，如 97x97x3")),
    ParamSpec("filters", "int", Text("number of filters (output maps) P", "卷积核个数（输出特征图数）P")),
    ParamSpec("kernel", "size2", Text("kernel size K or KhxKw", "卷积核大小 K 或 Kh×Kw")),
    ParamSpec("stride", "size2", Text("stride S (default 1)", "步长 S（默认 1）"), default=1, required=False),
    ParamSpec(
        "padding",
        "size2",
        Text("zero padding on each side (default 0)", "每侧补零数（默认 0）"),
        default=0,
        required=False,
    ),
    ParamSpec(
        "bias",
        "bool",
        Text("one bias per filter (default true)", "每个卷积核带一个偏置（默认 true）"),
        default=True,
        required=False,
    ),
]


def _conv_numbers(input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0) -> dict[str, Any]:
    h, w, d = _shape3(input)
    kh, kw = _pair(kernel)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    _check_positive(input=min(h, w, d), filters=filters, kernel=min(kh, kw), stride=min(sh, sw))
    if min(ph, pw) < 0:
        raise SolverInputError(Text("padding cannot be negative", "补零数不能为负"))
    return dict(
        h=h, w=w, d=d, kh=kh, kw=kw, sh=sh, sw=sw, ph=ph, pw=pw, oh=out_size(h, kh, sh, ph), ow=out_size(w, kw, sw, pw)
    )


@solver(
    "cnn.conv2d",
    CONV_PARAMS,
    Text("convolution layer: output size, parameters, connections, MACs", "卷积层：输出大小、参数量、连接数、乘加次数"),
)
def conv2d(input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, bias: bool = True) -> Solution:
    n = _conv_numbers(input, filters, kernel, stride, padding)
    h, w, d, kh, kw, oh, ow = n["h"], n["w"], n["d"], n["kh"], n["kw"], n["oh"], n["ow"]
    steps = [
        _size_step(Text("Output height", "输出高度"), h, kh, n["sh"], n["ph"]),
    ]
    if (h, kh, n["sh"], n["ph"]) == (w, kw, n["sw"], n["pw"]):
        steps.append(
            Step(Text("Output width: same numbers as the height", "输出宽度：与高度的计算相同"), result=str(ow))
        )
    else:
        steps.append(_size_step(Text("Output width", "输出宽度"), w, kw, n["sw"], n["pw"]))
    steps.append(
        Step(
            Text(
                "Output depth = number of filters (each filter makes one feature map)",
                "输出深度 = 卷积核个数（每个卷积核产生一张特征图）",
            ),
            formula="D' = P",
            substituted=str(filters),
            result=fmt_shape((oh, ow, filters)),
        )
    )
    weights = filters * d * kh * kw
    params = weights + (filters if bias else 0)
    if bias:
        steps.append(
            Step(
                Text(
                    "Parameters: each filter has D·U·V weights and one bias",
                    "参数量：每个卷积核有 D·U·V 个权重和 1 个偏置",
                ),
                formula="P·D·U·V + P",
                substituted=f"{filters}·{d}·{kh}·{kw} + {filters}",
                result=str(params),
            )
        )
    else:
        steps.append(
            Step(
                Text("Parameters without bias: weights only", "不含偏置的参数量：只有权重"),
                formula="P·D·U·V",
                substituted=f"{filters}·{d}·{kh}·{kw}",
                result=str(params),
            )
        )
    connections = params * oh * ow
    steps.append(
        Step(
            Text(
                "Connections: every output neuron is wired to its D·U·V inputs (plus the bias); "
                "that is the parameter count times the output area",
                "连接数：每个输出神经元连接 D·U·V 个输入（加上偏置），即参数量 × 输出特征图面积",
            )
            if bias
            else Text(
                "Connections: every output neuron is wired to its D·U·V inputs (there is no bias); "
                "that is the parameter count times the output area",
                "连接数：每个输出神经元连接 D·U·V 个输入（没有偏置），即参数量 × 输出特征图面积",
            ),
            formula="(P·D·U·V + P) · M'·N'" if bias else "P·D·U·V · M'·N'",
            substituted=f"{params} · {oh}·{ow}",
            result=str(connections),
        )
    )
    macs = oh * ow * filters * d * kh * kw
    steps.append(
        Step(
            Text(
                "Multiply-accumulates: one per weight per output position (bias additions not counted)",
                "乘加次数：每个输出位置上每个权重一次（偏置的加法不计）",
            ),
            formula="M'·N'·P · (D·U·V)",
            substituted=f"{oh}·{ow}·{filters} · ({d}·{kh}·{kw})",
            result=str(macs),
        )
    )
    return Solution(
        answers={
            "output_shape": (oh, ow, filters),
            "out_height": oh,
            "out_width": ow,
            "params": params,
            "weights": weights,
            "connections": connections,
            "macs": macs,
        },
        steps=steps,
    )


@mistake("cnn.conv2d", "no_bias")
def _conv_no_bias(input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any) -> dict[str, Any]:
    n = _conv_numbers(input, filters, kernel, stride, padding)
    weights = filters * n["d"] * n["kh"] * n["kw"]
    return {"params": weights, "connections": weights * n["oh"] * n["ow"]}


@mistake("cnn.conv2d", "channels_forgotten")
def _conv_no_channels(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, bias: bool = True
) -> dict[str, Any]:
    n = _conv_numbers(input, filters, kernel, stride, padding)
    params = filters * n["kh"] * n["kw"] + (filters if bias else 0)
    return {
        "params": params,
        "connections": params * n["oh"] * n["ow"],
        "macs": n["oh"] * n["ow"] * filters * n["kh"] * n["kw"],
    }


def _sizes_with(formula: Any, input: Any, kernel: Any, stride: Any, padding: Any, filters: int) -> dict[str, Any]:
    h, w, _ = _shape3(input)
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel), _pair(stride), _pair(padding)
    oh, ow = formula(h, kh, sh, ph), formula(w, kw, sw, pw)
    return {"output_shape": (oh, ow, filters), "out_height": oh, "out_width": ow}


@mistake("cnn.conv2d", "no_floor")
def _conv_no_floor(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any
) -> dict[str, Any]:
    return _sizes_with(lambda m, k, s, p: (m - k + 2 * p) / s + 1, input, kernel, stride, padding, filters)


@mistake("cnn.conv2d", "rounded_up")
def _conv_rounded_up(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any
) -> dict[str, Any]:
    return _sizes_with(lambda m, k, s, p: math.ceil((m - k + 2 * p) / s) + 1, input, kernel, stride, padding, filters)


@mistake("cnn.conv2d", "padding_once")
def _conv_padding_once(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any
) -> dict[str, Any]:
    return _sizes_with(lambda m, k, s, p: (m - k + p) // s + 1, input, kernel, stride, padding, filters)


@mistake("cnn.conv2d", "stride_ignored")
def _conv_stride_ignored(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any
) -> dict[str, Any]:
    return _sizes_with(lambda m, k, s, p: m - k + 2 * p + 1, input, kernel, stride, padding, filters)


@mistake("cnn.conv2d", "plus_one_forgotten")
def _conv_no_plus_one(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, **_: Any
) -> dict[str, Any]:
    return _sizes_with(lambda m, k, s, p: (m - k + 2 * p) // s, input, kernel, stride, padding, filters)


@mistake("cnn.conv2d", "connections_one_map")
def _conv_connections_one_map(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, bias: bool = True
) -> dict[str, Any]:
    n = _conv_numbers(input, filters, kernel, stride, padding)
    return {"connections": (n["d"] * n["kh"] * n["kw"] + (1 if bias else 0)) * n["oh"] * n["ow"]}


@mistake("cnn.conv2d", "connections_as_params")
def _conv_connections_as_params(
    input: Any, filters: int, kernel: Any, stride: Any = 1, padding: Any = 0, bias: bool = True
) -> dict[str, Any]:
    n = _conv_numbers(input, filters, kernel, stride, padding)
    return {"connections": filters * n["d"] * n["kh"] * n["kw"] + (filters if bias else 0)}


@carry("cnn.conv2d", "connections")
def _conv_connections_carried(given: dict[str, Any], **inputs: Any) -> Any:
    """Connections from the student's own parameter count and output size."""
    if "params" not in given or "output_shape" not in given:
        return None
    shape = given["output_shape"]
    return given["params"] * shape[0] * shape[1]


@carry("cnn.conv2d", "macs")
def _conv_macs_carried(given: dict[str, Any], **inputs: Any) -> Any:
    if "output_shape" not in given:
        return None
    n = _conv_numbers(
        inputs["input"], inputs["filters"], inputs["kernel"], inputs.get("stride", 1), inputs.get("padding", 0)
    )
    oh, ow, p = given["output_shape"]
    return oh * ow * p * n["d"] * n["kh"] * n["kw"]


# --------------------------------------------------------------------------- pooling

POOL_MODES = ("max", "avg", "subsample")
_POOL_NAMES = {"max": Text("max pooling", "最大汇聚"), "avg": Text("average pooling", "平均汇聚")}


def _pool_numbers(input: Any, kernel: Any, stride: Any, padding: Any) -> dict[str, Any]:
    h, w, d = _shape3(input)
    kh, kw = _pair(kernel)
    sh, sw = _pair(stride if stride is not None else kernel)
    ph, pw = _pair(padding)
    _check_positive(input=min(h, w, d), kernel=min(kh, kw), stride=min(sh, sw))
    if min(ph, pw) < 0:
        raise SolverInputError(Text("padding cannot be negative", "补零数不能为负"))
    return dict(
        h=h, w=w, d=d, kh=kh, kw=kw, sh=sh, sw=sw, ph=ph, pw=pw, oh=out_size(h, kh, sh, ph), ow=out_size(w, kw, sw, pw)
    )


@solver(
    "cnn.pool2d",
    [
        ParamSpec("input", "shape", Text("input size H×W×D", "输入大小 高×宽×通道")),
        ParamSpec("kernel", "size2", Text("pooling window K", "汇聚窗口大小 K")),
        ParamSpec(
            "stride",
            "size2",
            Text("stride (default: the window size)", "步长（默认等于窗口大小）"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "padding",
            "size2",
            Text("padding on each side (default 0)", "每侧补零（默认 0）"),
            default=0,
            required=False,
        ),
        ParamSpec(
            "mode",
            "choice",
            Text(
                "max, avg, or subsample (LeNet: one trainable weight and bias per map)",
                "max、avg 或 subsample（LeNet：每张图一个可训练系数和偏置）",
            ),
            default="max",
            required=False,
            choices=POOL_MODES,
        ),
    ],
    Text("pooling layer: output size, parameters, connections", "汇聚层：输出大小、参数量、连接数"),
)
def pool2d(input: Any, kernel: Any, stride: Any = None, padding: Any = 0, mode: str = "max") -> Solution:
    n = _pool_numbers(input, kernel, stride, padding)
    h, w, d, kh, kw, oh, ow = n["h"], n["w"], n["d"], n["kh"], n["kw"], n["oh"], n["ow"]
    steps = [_size_step(Text("Output height", "输出高度"), h, kh, n["sh"], n["ph"])]
    if (h, kh, n["sh"], n["ph"]) == (w, kw, n["sw"], n["pw"]):
        steps.append(
            Step(Text("Output width: same numbers as the height", "输出宽度：与高度的计算相同"), result=str(ow))
        )
    else:
        steps.append(_size_step(Text("Output width", "输出宽度"), w, kw, n["sw"], n["pw"]))
    steps.append(
        Step(
            Text(
                "Pooling works on each map separately, so the depth is unchanged", "汇聚对每张特征图单独进行，深度不变"
            ),
            formula="D' = D",
            result=fmt_shape((oh, ow, d)),
        )
    )
    outputs = oh * ow * d
    if mode == "subsample":
        params = 2 * d
        steps.append(
            Step(
                Text(
                    "Parameters: LeNet-style subsampling has one trainable coefficient and one bias per map",
                    "参数量：LeNet 式下采样每张图一个可训练系数和一个偏置",
                ),
                formula="2·D",
                substituted=f"2·{d}",
                result=str(params),
            )
        )
        connections = (kh * kw + 1) * outputs
        steps.append(
            Step(
                Text(
                    "Connections: each output sees K·K inputs plus the bias",
                    "连接数：每个输出连接 K·K 个输入和一个偏置",
                ),
                formula="(K·K + 1) · M'·N'·D",
                substituted=f"({kh}·{kw} + 1) · {oh}·{ow}·{d}",
                result=str(connections),
            )
        )
    else:
        params = 0
        steps.append(
            Step(
                Text(
                    f"Parameters: {_POOL_NAMES[mode].en} has nothing to learn",
                    f"参数量：{_POOL_NAMES[mode].zh}没有可学习的参数",
                ),
                result="0",
            )
        )
        connections = kh * kw * outputs
        steps.append(
            Step(
                Text("Connections: each output neuron reads K·K inputs", "连接数：每个输出神经元读取 K·K 个输入"),
                formula="K·K · M'·N'·D",
                substituted=f"{kh}·{kw} · {oh}·{ow}·{d}",
                result=str(connections),
            )
        )
    return Solution(
        answers={
            "output_shape": (oh, ow, d),
            "out_height": oh,
            "out_width": ow,
            "params": params,
            "connections": connections,
        },
        steps=steps,
    )


@mistake("cnn.pool2d", "pool_as_conv")
def _pool_as_conv(input: Any, kernel: Any, stride: Any = None, padding: Any = 0, **_: Any) -> dict[str, Any]:
    """Counts a K×K weight per map plus a bias, as if pooling were a depthwise convolution."""
    n = _pool_numbers(input, kernel, stride, padding)
    return {"params": n["d"] * (n["kh"] * n["kw"] + 1)}


@mistake("cnn.pool2d", "subsample_no_bias")
def _pool_no_bias(input: Any, kernel: Any, stride: Any = None, padding: Any = 0, **_: Any) -> dict[str, Any]:
    n = _pool_numbers(input, kernel, stride, padding)
    return {"params": n["d"], "connections": n["kh"] * n["kw"] * n["oh"] * n["ow"] * n["d"]}


@mistake("cnn.pool2d", "stride_one")
def _pool_stride_one(input: Any, kernel: Any, padding: Any = 0, **_: Any) -> dict[str, Any]:
    """Slides the window one pixel at a time although the stride equals the window."""
    h, w, d = _shape3(input)
    kh, kw = _pair(kernel)
    ph, pw = _pair(padding)
    oh, ow = out_size(h, kh, 1, ph), out_size(w, kw, 1, pw)
    return {"output_shape": (oh, ow, d), "out_height": oh, "out_width": ow}


# --------------------------------------------------------------------------- stacks


def parse_layers(spec: str) -> list[tuple[str, dict[str, int]]]:
    """Parse ``conv:F:K[:S[:P]]`` and ``pool:K[:S]`` items separated by commas or semicolons."""
    layers: list[tuple[str, dict[str, int]]] = []
    for raw in spec.replace(";", ",").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        kind, *fields = [f.strip() for f in item.split(":")]
        try:
            numbers = [int(f) for f in fields]
        except ValueError:
            numbers = []
        if kind == "conv" and 2 <= len(numbers) <= 4:
            f, k, s, p = (numbers + [1, 0])[:4] if len(numbers) == 2 else (numbers + [0])[:4]
            layers.append(("conv", {"filters": f, "kernel": k, "stride": s, "padding": p}))
        elif kind == "pool" and 1 <= len(numbers) <= 2:
            k = numbers[0]
            s = numbers[1] if len(numbers) == 2 else k
            layers.append(("pool", {"kernel": k, "stride": s}))
        else:
            raise SolverInputError(
                Text(
                    f"cannot read layer {raw.strip()!r}: use conv:F:K[:S[:P]] or pool:K[:S]",
                    f"无法识别的层 {raw.strip()!r}：请写成 conv:F:K[:S[:P]] 或 pool:K[:S]",
                )
            )
    if not layers:
        raise SolverInputError(Text("no layers given", "没有给出任何层"))
    for _kind, cfg in layers:
        _check_positive(**{k: v for k, v in cfg.items() if k != "padding"})
        if cfg.get("padding", 0) < 0:
            raise SolverInputError(Text("padding cannot be negative", "补零数不能为负"))
    return layers


def _describe_layer(kind: str, cfg: dict[str, int]) -> Text:
    if kind == "conv":
        shape = f"{cfg['filters']}@{cfg['kernel']}×{cfg['kernel']}, S={cfg['stride']}, P={cfg['padding']}"
        return Text(f"convolution {shape}", f"卷积 {shape}")
    shape = f"{cfg['kernel']}×{cfg['kernel']}, S={cfg['stride']}"
    return Text(f"pooling {shape}", f"汇聚 {shape}")


def _run_stack(input: Any, layers: str, size_rule: Any) -> tuple[list[tuple[Any, ...]], int]:
    shape: tuple[Any, ...] = _shape3(input)
    shapes: list[tuple[Any, ...]] = []
    params = 0
    for kind, cfg in parse_layers(layers):
        h, w, d = shape
        k, s = cfg["kernel"], cfg["stride"]
        p = cfg.get("padding", 0)
        if kind == "conv":
            params += cfg["filters"] * d * k * k + cfg["filters"]
            shape = (size_rule(h, k, s, p), size_rule(w, k, s, p), cfg["filters"])
        else:
            shape = (size_rule(h, k, s, p), size_rule(w, k, s, p), d)
        shapes.append(shape)
    return shapes, params


@solver(
    "cnn.conv_stack",
    [
        ParamSpec("input", "shape", Text("input size H×W×D", "输入大小 高×宽×通道")),
        ParamSpec(
            "layers",
            "text",
            Text(
                "layers in order, e.g. conv:16:3:1:1,pool:2,conv:32:5 (conv:F:K:S:P, pool:K:S)",
                "按顺序的层，如 conv:16:3:1:1,pool:2,conv:32:5",
            ),
        ),
    ],
    Text(
        "a stack of conv and pooling layers: shape after each layer, total parameters",
        "卷积/汇聚层堆叠：每层输出形状与总参数量",
    ),
)
def conv_stack(input: Any, layers: str) -> Solution:
    shape = _shape3(input)
    steps: list[Step] = []
    total = 0
    for index, (kind, cfg) in enumerate(parse_layers(layers), start=1):
        h, w, d = shape
        k, s, p = cfg["kernel"], cfg["stride"], cfg.get("padding", 0)
        oh, ow = out_size(h, k, s, p), out_size(w, k, s, p)
        # Formulas and numbers only: the words (parameters or none) go in the bilingual note.
        if kind == "conv":
            f = cfg["filters"]
            layer_params = f * d * k * k + f
            total += layer_params
            shape = (oh, ow, f)
            formula = "M' = ⌊(M − K + 2P)/S⌋ + 1;  F·D·K·K + F"
            substituted = f"⌊({h} − {k} + 2·{p})/{s}⌋ + 1 = {oh};  {f}·{d}·{k}·{k} + {f} = {layer_params}"
            note = Text(
                "Parameters: F kernels of D·K·K weights plus F biases",
                "参数量：F 个 D·K·K 的卷积核加 F 个偏置",
            )
        else:
            shape = (oh, ow, d)
            formula = "M' = ⌊(M − K)/S⌋ + 1"
            substituted = f"⌊({h} − {k})/{s}⌋ + 1 = {oh}"
            note = Text("Pooling has no parameters", "汇聚层没有参数")
        described = _describe_layer(kind, cfg)
        steps.append(
            Step(
                Text(f"Layer {index}: {described.en}", f"第 {index} 层：{described.zh}"),
                formula=formula,
                substituted=substituted,
                result=fmt_shape(shape),
                note=note,
            )
        )
    steps.append(Step(Text("Total parameters of the stack", "整个堆叠的参数总量"), result=str(total)))
    shapes, _ = _run_stack(input, layers, out_size)
    return Solution(answers={"output_shape": shape, "shapes": shapes, "params": total}, steps=steps)


@mistake("cnn.conv_stack", "no_floor")
def _stack_no_floor(input: Any, layers: str) -> dict[str, Any]:
    shapes, _ = _run_stack(input, layers, lambda m, k, s, p: (m - k + 2 * p) / s + 1)
    return {"output_shape": shapes[-1]}


@mistake("cnn.conv_stack", "padding_once")
def _stack_padding_once(input: Any, layers: str) -> dict[str, Any]:
    shapes, _ = _run_stack(input, layers, lambda m, k, s, p: (m - k + p) // s + 1)
    return {"output_shape": shapes[-1]}


@mistake("cnn.conv_stack", "stride_ignored")
def _stack_stride_ignored(input: Any, layers: str) -> dict[str, Any]:
    shapes, _ = _run_stack(input, layers, lambda m, k, s, p: m - k + 2 * p + 1)
    return {"output_shape": shapes[-1]}


# --------------------------------------------------------------------------- receptive field


@solver(
    "cnn.receptive_field",
    [
        ParamSpec(
            "kernels", "vector", Text("kernel size of each layer, first layer first", "各层卷积核大小，从第一层起")
        ),
        ParamSpec("strides", "vector", Text("stride of each layer (same length)", "各层步长（长度相同）")),
    ],
    Text("receptive field of one output neuron of a stack of layers", "堆叠层中一个输出神经元的感受野"),
)
def receptive_field(kernels: Any, strides: Any) -> Solution:
    ks = [int(k) for k in kernels]
    ss = [int(s) for s in strides]
    if len(ks) != len(ss) or not ks:
        raise SolverInputError(Text("give one stride per kernel", "每个卷积核需对应一个步长"))
    _check_positive(kernel=min(ks), stride=min(ss))
    rf, jump = 1, 1
    steps: list[Step] = [
        Step(
            Text(
                "Start from one input pixel; the jump is the input distance between neighbouring neurons",
                "从一个像素开始；跳距是相邻神经元在输入上的间距",
            ),
            formula="r₀ = 1, j₀ = 1",
            result="r = 1",
        )
    ]
    for index, (k, s) in enumerate(zip(ks, ss), start=1):
        new_rf = rf + (k - 1) * jump
        steps.append(
            Step(
                Text(f"Layer {index} (K={k}, S={s})", f"第 {index} 层（K={k}，S={s}）"),
                formula="r_l = r_{l−1} + (K_l − 1)·j_{l−1},  j_l = j_{l−1}·S_l",
                substituted=f"{rf} + ({k} − 1)·{jump};  {jump}·{s}",
                result=f"r = {new_rf}, j = {jump * s}",
            )
        )
        rf, jump = new_rf, jump * s
    return Solution(answers={"rf": rf, "jump": jump}, steps=steps)


@mistake("cnn.receptive_field", "strides_ignored")
def _rf_strides_ignored(kernels: Any, **_: Any) -> dict[str, Any]:
    return {"rf": 1 + sum(int(k) - 1 for k in kernels)}


@mistake("cnn.receptive_field", "kernels_multiplied")
def _rf_kernels_multiplied(kernels: Any, **_: Any) -> dict[str, Any]:
    return {"rf": math.prod(int(k) for k in kernels)}


@mistake("cnn.receptive_field", "own_stride_counted")
def _rf_own_stride(kernels: Any, strides: Any) -> dict[str, Any]:
    rf, jump = 1, 1
    for k, s in zip(kernels, strides):
        jump *= int(s)
        rf += (int(k) - 1) * jump
    return {"rf": rf}


# --------------------------------------------------------------------------- LeNet-5

#: C3's connection table (LeCun et al. 1998): which S2 maps each C3 map reads.
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)  # fmt: skip

LENET_LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT")


@solver(
    "cnn.lenet5",
    [
        ParamSpec(
            "layer",
            "choice",
            Text("one of C1 S2 C3 S4 C5 F6 OUTPUT", "C1 S2 C3 S4 C5 F6 OUTPUT 之一"),
            choices=LENET_LAYERS,
        )
    ],
    Text("LeNet-5: output size, parameters and connections of one layer", "LeNet-5：某一层的输出大小、参数量和连接数"),
)
def lenet5(layer: str) -> Solution:
    layer = layer.upper()
    if layer not in LENET_LAYERS:
        raise SolverInputError(Text(f"unknown LeNet-5 layer {layer!r}", f"LeNet-5 没有 {layer!r} 这一层"))
    if layer == "C1":
        sol = conv2d((32, 32, 1), 6, 5)
    elif layer == "S2":
        sol = pool2d((28, 28, 6), 2, 2, mode="subsample")
    elif layer == "C3":
        sol = _lenet_c3()
    elif layer == "S4":
        sol = pool2d((10, 10, 16), 2, 2, mode="subsample")
    elif layer == "C5":
        sol = conv2d((5, 5, 16), 120, 5)
    elif layer == "F6":
        sol = _dense(120, 84, Text("F6: fully connected, 120 → 84 units", "F6：全连接，120 → 84 个单元"))
    else:
        sol = _dense(
            84,
            10,
            Text(
                "Output: 10 RBF units, each with 84 centre weights (no bias)",
                "输出层：10 个 RBF 单元，每个有 84 个中心权重（无偏置）",
            ),
            bias=False,
        )
    intro = Step(
        Text(
            "LeNet-5: 32×32×1 → C1 (6@5×5) → S2 → C3 (16@5×5, connection table) → S4 → C5 (120@5×5) → F6 (84) → 10 RBF",
            "LeNet-5：32×32×1 → C1（6@5×5）→ S2 → C3（16@5×5，连接表）→ S4 → C5（120@5×5）→ F6（84）→ 10 个 RBF",
        )
    )
    answers = {k: sol.answers[k] for k in ("output_shape", "params", "connections")}
    return Solution(answers=answers, steps=[intro, *sol.steps])


def _dense(n_in: int, n_out: int, title: Text, bias: bool = True) -> Solution:
    params = n_out * (n_in + (1 if bias else 0))
    return Solution(
        answers={"output_shape": (n_out,), "params": params, "connections": params},
        steps=[
            Step(
                title,
                formula="n_out·(n_in + 1)" if bias else "n_out·n_in",
                substituted=f"{n_out}·({n_in} + 1)" if bias else f"{n_out}·{n_in}",
                result=str(params),
                note=Text(
                    "In a fully connected layer every weight is used once: connections = parameters.",
                    "全连接层中每个权重只用一次：连接数 = 参数量。",
                ),
            )
        ],
    )


def _lenet_c3() -> Solution:
    steps: list[Step] = [
        Step(
            Text("C3 output size: 14 − 5 + 1", "C3 输出大小：14 − 5 + 1"),
            formula="M' = M − K + 1",
            substituted="14 − 5 + 1",
            result="10×10×16",
        )
    ]
    groups = [(range(0, 6), 3), (range(6, 12), 4), (range(12, 15), 4), (range(15, 16), 6)]
    labels = [
        Text("maps 0–5 each read 3 contiguous S2 maps", "第 0–5 张图各读取 3 张相邻的 S2 图"),
        Text("maps 6–11 each read 4 contiguous S2 maps", "第 6–11 张图各读取 4 张相邻的 S2 图"),
        Text("maps 12–14 each read 4 non-contiguous S2 maps", "第 12–14 张图各读取 4 张不相邻的 S2 图"),
        Text("map 15 reads all 6 S2 maps", "第 15 张图读取全部 6 张 S2 图"),
    ]
    total = 0
    kernels = 0
    for (maps, fan_in), label in zip(groups, labels):
        assert all(len(C3_TABLE[m]) == fan_in for m in maps)
        count = len(maps)
        group_params = count * (fan_in * 25 + 1)
        total += group_params
        kernels += count * fan_in
        steps.append(
            Step(
                label,
                formula="n·(k·5·5 + 1)",
                substituted=f"{count}·({fan_in}·25 + 1)",
                result=str(group_params),
                note=Text(
                    "n maps, each with k kernels of 5×5 (one per S2 map it reads) and one bias",
                    "n 张图，每张有 k 个 5×5 卷积核（每读取一张 S2 图一个）和一个偏置",
                ),
            )
        )
    steps.append(
        Step(
            Text(
                f"Parameters: {kernels} kernels of 5×5 plus 16 biases", f"参数量：{kernels} 个 5×5 卷积核加 16 个偏置"
            ),
            formula=f"{kernels}·25 + 16",
            result=str(total),
        )
    )
    connections = total * 100
    steps.append(
        Step(
            Text("Connections: parameters × output area", "连接数：参数量 × 输出面积"),
            substituted=f"{total}·10·10",
            result=str(connections),
        )
    )
    return Solution(answers={"output_shape": (10, 10, 16), "params": total, "connections": connections}, steps=steps)


@mistake("cnn.lenet5", "c3_fully_connected")
def _lenet_c3_full(layer: str) -> dict[str, Any]:
    if layer.upper() != "C3":
        return {}
    params = 16 * (6 * 25 + 1)
    return {"params": params, "connections": params * 100}


@mistake("cnn.lenet5", "subsample_as_conv")
def _lenet_subsample_as_conv(layer: str) -> dict[str, Any]:
    if layer.upper() == "S2":
        return {"params": 6 * 5}
    if layer.upper() == "S4":
        return {"params": 16 * 5}
    return {}


@mistake("cnn.lenet5", "no_bias")
def _lenet_no_bias(layer: str) -> dict[str, Any]:
    layer = layer.upper()
    if layer == "C1":
        return {"params": 150, "connections": 150 * 28 * 28}
    if layer == "C3":
        return {"params": 1500, "connections": 150000}
    if layer == "C5":
        return {"params": 48000, "connections": 48000}
    if layer == "F6":
        return {"params": 10080, "connections": 10080}
    return {}


# --------------------------------------------------------------------------- 1×1 bottleneck


@solver(
    "cnn.bottleneck",
    [
        ParamSpec("channels", "int", Text("input channels D", "输入通道数 D")),
        ParamSpec("filters", "int", Text("output channels P of the K×K convolution", "K×K 卷积的输出通道数 P")),
        ParamSpec("kernel", "int", Text("kernel size K", "卷积核大小 K")),
        ParamSpec("reduce", "int", Text("channels R after the 1×1 reduction", "1×1 降维后的通道数 R")),
    ],
    Text(
        "1×1 convolution to reduce channels before a K×K convolution: parameters saved",
        "先用 1×1 卷积降维再做 K×K 卷积：节省的参数量",
    ),
)
def bottleneck(channels: int, filters: int, kernel: int, reduce: int) -> Solution:
    _check_positive(channels=channels, filters=filters, kernel=kernel, reduce=reduce)
    d, p, k, r = channels, filters, kernel, reduce
    direct = p * d * k * k + p
    reduce_params = r * d * 1 * 1 + r
    main_params = p * r * k * k + p
    via = reduce_params + main_params
    steps = [
        Step(
            Text("Direct K×K convolution D → P", "直接做 K×K 卷积 D → P"),
            formula="P·D·K·K + P",
            substituted=f"{p}·{d}·{k}·{k} + {p}",
            result=str(direct),
        ),
        Step(
            Text("1×1 reduction D → R", "1×1 降维 D → R"),
            formula="R·D·1·1 + R",
            substituted=f"{r}·{d} + {r}",
            result=str(reduce_params),
        ),
        Step(
            Text("K×K convolution R → P", "K×K 卷积 R → P"),
            formula="P·R·K·K + P",
            substituted=f"{p}·{r}·{k}·{k} + {p}",
            result=str(main_params),
        ),
        Step(
            Text("Bottleneck total", "瓶颈结构合计"),
            formula="(R·D + R) + (P·R·K·K + P)",
            substituted=f"{reduce_params} + {main_params}",
            result=str(via),
        ),
        Step(
            Text("Parameters saved", "节省的参数量"),
            formula="(P·D·K·K + P) − ((R·D + R) + (P·R·K·K + P))",
            substituted=f"{direct} − {via}",
            result=str(direct - via),
        ),
    ]
    return Solution(answers={"params_direct": direct, "params_bottleneck": via, "saved": direct - via}, steps=steps)


@mistake("cnn.bottleneck", "forgot_reduction_layer")
def _bottleneck_forgot_1x1(channels: int, filters: int, kernel: int, reduce: int) -> dict[str, Any]:
    via = filters * reduce * kernel * kernel + filters
    return {"params_bottleneck": via, "saved": filters * channels * kernel * kernel + filters - via}


@mistake("cnn.bottleneck", "no_bias")
def _bottleneck_no_bias(channels: int, filters: int, kernel: int, reduce: int) -> dict[str, Any]:
    direct = filters * channels * kernel * kernel
    via = reduce * channels + filters * reduce * kernel * kernel
    return {"params_direct": direct, "params_bottleneck": via, "saved": direct - via}
