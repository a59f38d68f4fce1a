"""The optimizers by name and convention, and how a worked solution names them."""

from __future__ import annotations

from solvers.core import Text
from solvers.optim.adadelta import AdaDelta
from solvers.optim.adagrad import AdaGrad
from solvers.optim.adam import Adam
from solvers.optim.base import Rule
from solvers.optim.momentum import Momentum, MomentumTorch
from solvers.optim.nesterov import Nesterov, NesterovTorch
from solvers.optim.rmsprop import RMSprop
from solvers.optim.sgd import SGD

METHODS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
CONVENTIONS = ("textbook", "pytorch")
#: how a worked solution names each method and convention
METHOD_NAMES = {
    "sgd": Text("gradient descent (SGD)", "梯度下降（SGD）"),
    "momentum": Text("momentum", "动量法"),
    "nesterov": Text("Nesterov accelerated gradient", "Nesterov 加速梯度"),
    "adagrad": Text("AdaGrad", "AdaGrad"),
    "rmsprop": Text("RMSprop", "RMSprop"),
    "adadelta": Text("AdaDelta", "AdaDelta"),
    "adam": Text("Adam", "Adam"),
}
CONVENTION_NAMES = {"textbook": Text("textbook", "教材"), "pytorch": Text("PyTorch", "PyTorch")}

_RULES: dict[str, tuple[type[Rule], type[Rule]]] = {  # method -> (textbook, pytorch)
    "sgd": (SGD, SGD),
    "momentum": (Momentum, MomentumTorch),
    "nesterov": (Nesterov, NesterovTorch),
    "adagrad": (AdaGrad, AdaGrad),
    "rmsprop": (RMSprop, RMSprop),
    "adadelta": (AdaDelta, AdaDelta),
    "adam": (Adam, Adam),
}


def rule_for(method: str, convention: str) -> type[Rule]:
    return _RULES[method][convention == "pytorch"]
