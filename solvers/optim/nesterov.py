"""Nesterov accelerated gradient: the textbook (Sutskever) form takes the gradient at the look-ahead
point; PyTorch's ``nesterov=True`` stores the look-ahead point as the parameter instead."""

from __future__ import annotations

import numpy as np

from solvers.core import Text
from solvers.optim.base import Grad, Rule, cancel
from solvers.optim.momentum import Momentum, MomentumTorch
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class Nesterov(Rule):
    """Textbook: θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁, Δθₜ = ρ·Δθₜ₋₁ − α·g(θ̂ₜ)."""

    columns = ("t", "θ̂ₜ", "g(θ̂ₜ)", "Δθₜ", "θₜ")
    hyper_text = Momentum.hyper_text

    @staticmethod
    def note(convention: str) -> Text:
        return Text(
            "Textbook (Sutskever) form: the gradient is taken at the look-ahead point θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁.",
            "教材（Sutskever）形式：在前瞻点 θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁ 处求梯度。",
        )

    def lookahead(self, prev: np.ndarray, t: int) -> np.ndarray:
        rho = self.h.rho
        self.look = cancel(prev + rho * self.delta, prev, rho * self.delta)
        self.emit(
            t,
            "look-ahead point",
            "前瞻点",
            "θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁",
            f"{fv(prev)} + {_num(rho)}·{fp(self.delta)}",
            fv(self.look),
        )
        return self.look

    def update(self, t: int, grad: Grad) -> list[str]:
        a, rho, delta = self.h.lr, self.h.rho, self.delta
        new = cancel(rho * delta - a * grad.gu, rho * delta, a * grad.gu)
        self.emit(
            t,
            "Nesterov update, with the gradient from the look-ahead point",
            "Nesterov 更新量（使用前瞻点的梯度）",
            "Δθₜ = ρ·Δθₜ₋₁ − α·g(θ̂ₜ)",
            f"{_num(rho)}·{fp(delta)} − {_num(a)}·{fp(grad.g)}",
            fv(new),
        )
        self.delta = new
        return [fv(self.look), fv(grad.g), fv(self.delta)]


class NesterovTorch(MomentumTorch):
    """PyTorch: bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·(gₜ + ρ·bₜ), g at the stored point."""

    columns = ("t", "gₜ", "bₜ", "gₜ + ρbₜ", "Δθₜ", "θₜ")

    @staticmethod
    def note(convention: str) -> Text:
        return Text(
            "PyTorch nesterov=True: the stored parameter is the look-ahead point; bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·(gₜ + ρ·bₜ). "
            "Its θ sequence differs from the textbook's.",
            "PyTorch 的 nesterov=True：保存的参数就是前瞻点；bₜ = ρ·bₜ₋₁ + gₜ，θₜ = θₜ₋₁ − α·(gₜ + ρ·bₜ)。其 θ 序列与教材不同。",
        )

    def update(self, t: int, grad: Grad) -> list[str]:
        buf = self.push(t, grad)
        a, rho = self.h.lr, self.h.rho
        direction = cancel(grad.gu + rho * buf, grad.gu, rho * buf)
        self.emit(
            t,
            "Nesterov direction (PyTorch)",
            "Nesterov 方向（PyTorch）",
            "dₜ = gₜ + ρ·bₜ",
            f"{fp(grad.g)} + {_num(rho)}·{fp(buf)}",
            fv(direction),
        )
        self.delta = -a * direction
        self.emit(t, "Update", "更新量", "Δθₜ = −α·dₜ", f"−{_num(a)}·{fp(direction)}", fv(self.delta))
        return [fv(grad.g), fv(buf), fv(direction), fv(self.delta)]
