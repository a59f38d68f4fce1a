"""Attention (nndl ch. 8): scoring functions, softmax weights, key-value attention, self-attention,
padding and causal masks, multi-head shapes and parameter counts, and multi-head attention with numbers.

Conventions (REFERENCE.md): row convention: every query, key and value is a row of its matrix,
Q = XW_Q, K = XW_K, V = XW_V, and H = softmax(QKᵀ/√d_k)·V with the softmax taken over each row
(one attention distribution per query, over the keys). The book writes the same thing with column
vectors. Masked scores are set to −∞ before the softmax, so their weight is exactly 0.
"""

# Importing the modules registers their solvers (the registry imports this package on first use).
from solvers.attention import (  # noqa: F401
    masks,
    multihead,
    multihead_values,
    qkv,
    scoring,
    self_attention,
)
