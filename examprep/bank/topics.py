"""The syllabus topics by name: what a student may type for a topic, and what a table shows.

Topic ids (``cnn``, ``lstm-gru``) are what the bank and the commands use. A student may type the
topic's name instead, in either language (``卷积神经网络``, ``卷积``, ``Convolutional networks``), and a
Chinese screen shows the Chinese name beside the id, so the id to type stays in view. A topic
from an extra bank file has no name here: it is shown and matched by its id.
"""

from __future__ import annotations

from solvers.core import Text

#: topic id -> its name (SYLLABUS.md's outline items, in a few words)
TOPIC_NAMES: dict[str, Text] = {
    "ml-basics": Text("Machine-learning basics", "机器学习基础"),
    "gd": Text("Gradient descent", "梯度下降"),
    "regularization": Text("Regularization", "正则化"),
    "dropout": Text("Dropout", "丢弃法"),
    "theorems": Text("Theorems", "机器学习定理"),
    "linear": Text("Linear models", "线性模型"),
    "losses": Text("Loss functions", "损失函数"),
    "activations": Text("Activation functions", "激活函数"),
    "ffn": Text("Feed-forward networks", "前馈神经网络"),
    "cnn": Text("Convolutional networks", "卷积神经网络"),
    "rnn": Text("Recurrent networks", "循环神经网络"),
    "lstm-gru": Text("LSTM and GRU", "LSTM 与 GRU"),
    "optim": Text("Network optimization", "网络优化"),
    "normalization": Text("Normalization", "归一化"),
    "init": Text("Parameter initialization", "参数初始化"),
    "attention": Text("Attention", "注意力机制"),
    "transformer": Text("Transformer", "Transformer"),
    "rl": Text("Reinforcement learning", "强化学习"),
}

#: other words a student types for a topic (matched like names: case, width and spaces ignored)
TOPIC_ALIASES: dict[str, tuple[str, ...]] = {
    "ml-basics": ("machine learning", "机器学习", "风险最小化"),
    "gd": ("gradient descent", "SGD", "随机梯度下降", "小批量梯度下降"),
    "regularization": ("正则", "L1", "L2", "权重衰减"),
    "dropout": ("丢弃", "暂退法"),
    "theorems": ("定理", "没有免费午餐定理", "丑小鸭定理", "奥卡姆剃刀"),
    "linear": ("logistic regression", "softmax regression", "线性", "Logistic 回归", "Softmax 回归"),
    "losses": ("loss", "损失"),
    "activations": ("activation", "激活", "激活函数"),
    "ffn": ("MLP", "feed-forward", "feedforward", "前馈", "全连接", "多层感知器"),
    "cnn": ("convolution", "CNN", "卷积", "卷积网络"),
    "rnn": ("recurrent", "RNN", "循环", "循环网络", "SRN"),
    "lstm-gru": ("LSTM", "GRU", "门控", "长短期记忆"),
    "optim": ("optimization", "optimizer", "优化", "优化算法"),
    "normalization": ("norm", "batch norm", "layer norm", "批量归一化", "层归一化", "标准化"),
    "init": ("initialization", "初始化"),
    "attention": ("注意力", "self-attention", "自注意力"),
    "transformer": ("transformers",),
    "rl": ("reinforcement", "强化"),
}


def topic_name(topic: str, lang: str) -> str | None:
    """The topic's name in ``lang``, or None for a topic the syllabus does not name."""
    name = TOPIC_NAMES.get(topic)
    return name.get(lang) if name is not None else None


def topic_label(topic: str, lang: str) -> str:
    """What a table shows for a topic: the id in English (it is an English word), the Chinese name
    and the id in Chinese (``卷积神经网络 cnn``), the id alone for a topic without a name."""
    name = topic_name(topic, lang)
    if lang != "zh" or name is None or name.casefold() == topic.casefold():
        return topic
    return f"{name} {topic}"


def resolve_topic(text: str, topics: list[str]) -> str | None:
    """The topic among ``topics`` that ``text`` names: its id, name or an alias, in either
    language, ignoring case, width and spaces; None when it names none of them."""
    from examprep.bank.cards import lookup_key

    key = lookup_key(text)
    if not key:
        return None
    for topic in topics:
        spellings = [topic, *(TOPIC_ALIASES.get(topic, ()))]
        name = TOPIC_NAMES.get(topic)
        if name is not None:
            spellings += [name.en, name.zh]
        if any(lookup_key(spelling) == key for spelling in spellings):
            return topic
    return None
