"""Parameter optimizers and gradient clipping (nndl ch. 7).

Conventions (REFERENCE.md), all operations element-wise:

- Momentum: Δθ_t = ρ·Δθ_{t−1} − α·g_t ; θ_t = θ_{t−1} + Δθ_t. PyTorch keeps b_t = ρ·b_{t−1} + g_t
  and steps θ_t = θ_{t−1} − α·b_t: the same θ sequence for a constant α.
- Nesterov, textbook (Sutskever form): the gradient is taken at the look-ahead point
  θ̂_t = θ_{t−1} + ρ·Δθ_{t−1}. PyTorch's ``nesterov=True`` stores the look-ahead point instead:
  b_t = ρ·b_{t−1} + g_t, θ_t = θ_{t−1} − α·(g_t + ρ·b_t) with g_t at the stored point.
- AdaGrad / RMSprop / Adam: ε inside the square root in the textbook, outside in PyTorch.
  AdaDelta has ε inside both roots in both; PyTorch multiplies its update by ``lr`` (default 1).

Defaults (documented in the parameter help): α = 0.1 (hand-friendly; textbook AdaDelta has no α),
ρ = β = β₁ = 0.9, β₂ = 0.99 (textbook) or 0.999 (PyTorch), RMSprop's β = 0.99 under the PyTorch
convention (torch.optim.RMSprop's alpha), ε = 10⁻⁸ (AdaDelta 10⁻⁶, as in Zeiler's paper and PyTorch;
AdaGrad under the PyTorch convention 10⁻¹⁰, torch.optim.Adagrad's default).

Layout (as ``torch.optim``): one small class per method over a shared base (``base.Rule``: its
state, its update rule, its worked step), driven by one loop (``loop``); ``setup`` checks inputs and
fills defaults, ``loss`` compiles loss formulas with the whitelist parser and sympy, ``optimizer``
is the registered solver with its mistakes, ``clip`` is gradient clipping.
"""

from solvers.optim import clip, optimizer  # noqa: F401  (importing registers the solvers)
from solvers.optim.loss import CompiledLoss, LossError, compile_loss, parse_var_list

__all__ = ["CompiledLoss", "LossError", "compile_loss", "parse_var_list"]
