"""Recurrent networks (nndl ch. 6): SRN, LSTM and GRU steps, parameter counts, gradient magnitude
through unrolled steps, bidirectional sizes. Serves the topics ``rnn`` and ``lstm-gru``.

Conventions (REFERENCE.md), column vectors:
- SRN: h_t = f(U·h_{t−1} + W·x_t + b).
- LSTM: i, f, o = σ(W_* x_t + U_* h_{t−1} + b_*); c̃_t = tanh(W_c x_t + U_c h_{t−1} + b_c);
  c_t = f_t⊙c_{t−1} + i_t⊙c̃_t; h_t = o_t⊙tanh(c_t).
- GRU (textbook): z, r = σ(…); h̃_t = tanh(W_h x_t + U_h(r_t⊙h_{t−1}) + b_h);
  h_t = z_t⊙h_{t−1} + (1 − z_t)⊙h̃_t. PyTorch (convention="pytorch") applies r after the matrix
  product, n_t = tanh(W_h x_t + b_h + r_t⊙(U_h h_{t−1} + b_hn)), with the same h_t = (1 − z)⊙n + z⊙h_{t−1}.
- Parameters of one layer with input d and hidden h: each gate block has h(h + d + 1) parameters in
  the textbook (one bias) and h(h + d + 2) in PyTorch (b_ih and b_hh); SRN 1 block, GRU 3, LSTM 4.
"""

# Importing the modules registers their solvers (the registry imports this package on first use).
from solvers.rnn import (  # noqa: F401
    bidirectional,
    gradient,
    gru,
    lstm,
    params,
    srn,
)
