"""Momentum in the textbook form (a velocity Δθ) and in PyTorch's form (a buffer b)."""

from __future__ import annotations

import numpy as np

from solvers.core import Text
from solvers.optim.base import Grad, Hyper, Rule, cancel
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class Momentum(Rule):
    """Textbook: Δθₜ = ρ·Δθₜ₋₁ − α·gₜ."""

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"α = {_num(h.lr)}, ρ = {_num(h.rho)}"

    @staticmethod
    def note(convention: str) -> Text:
        return Text("Textbook form Δθₜ = ρ·Δθₜ₋₁ − α·gₜ.", "教材形式 Δθₜ = ρ·Δθₜ₋₁ − α·gₜ。")

    def update(self, t: int, grad: Grad) -> list[str]:
        a, rho, delta = self.h.lr, self.h.rho, self.delta
        new = cancel(rho * delta - a * grad.gu, rho * delta, a * grad.gu)
        self.emit(
            t,
            "Momentum update (velocity)",
            "动量更新量（速度）",
            "Δθₜ = ρ·Δθₜ₋₁ − α·gₜ",
            f"{_num(rho)}·{fp(delta)} − {_num(a)}·{fp(grad.g)}",
            fv(new),
        )
        self.delta = new
        return [fv(grad.g), fv(self.delta)]


class MomentumTorch(Rule):
    """PyTorch: bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·bₜ (the same θ sequence for a constant α)."""

    columns = ("t", "gₜ", "bₜ", "Δθₜ", "θₜ")
    hyper_text = Momentum.hyper_text

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.buf: np.ndarray | None = None

    @staticmethod
    def note(convention: str) -> Text:
        return Text(
            "PyTorch form bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·bₜ (same θ sequence as the textbook for a constant α).",
            "PyTorch 形式 bₜ = ρ·bₜ₋₁ + gₜ，θₜ = θₜ₋₁ − α·bₜ（学习率不变时与教材的 θ 序列相同）。",
        )

    def push(self, t: int, grad: Grad) -> np.ndarray:
        """bₜ = ρ·bₜ₋₁ + gₜ with its worked step."""
        rho = self.h.rho
        old = np.zeros(self.d) if self.buf is None else self.buf
        self.buf = cancel(rho * old + grad.gu, rho * old, grad.gu)
        self.emit(
            t,
            "Momentum buffer (PyTorch)",
            "动量缓存（PyTorch）",
            "bₜ = ρ·bₜ₋₁ + gₜ  (b₀ = 0)",
            f"{_num(rho)}·{fp(old)} + {fp(grad.g)}",
            fv(self.buf),
        )
        return self.buf

    def update(self, t: int, grad: Grad) -> list[str]:
        buf = self.push(t, grad)
        a = self.h.lr
        self.delta = -a * buf
        self.emit(t, "Update", "更新量", "Δθₜ = −α·bₜ", f"−{_num(a)}·{fp(buf)}", fv(self.delta))
        return [fv(grad.g), fv(buf), fv(self.delta)]
