"""Reinforcement learning (nndl ch. 14): returns, trajectory probabilities, ε-greedy, Bellman
backups, policy evaluation, value and policy iteration (on small explicit MDPs and on the built-in
gridworld), Monte Carlo estimates, SARSA and Q-learning updates.

Conventions (REFERENCE.md):

- G = Σ_{t=0}^{T−1} γ^t r_{t+1}; the course takes γ = 1 unless a question says otherwise.
- Policy-evaluation and value-iteration sweeps are synchronous (V_k is computed from V_{k−1} only)
  unless in-place sweeps are asked for; in-place sweeps visit the states in index order (row by
  row on a grid) and use every value as soon as it is updated.
- ε-greedy: the greedy action has probability 1 − ε + ε/|A|, every other action ε/|A|.
- Gridworld: n×n, the top-left and bottom-right cells are terminal, every move costs ``reward``,
  a move off the grid leaves the agent in place, the random policy takes each move with
  probability 1/4. Arrows in a policy grid are listed in the fixed order ↑↓←→; ``T`` marks a
  terminal cell.

Explicit MDP encoding (the same for YAML params and the calculator):

- ``transitions``: one row per outcome ``s,a,s',p,r`` (states and actions numbered from 0), rows
  separated by ``;`` on the command line, e.g. ``transitions="0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0"``.
  A flat list whose length is a multiple of 5 is read the same way. States without rows are
  terminal: their value is 0 and never updated, in every solver here (Bellman backups of V and Q,
  policy evaluation, value and policy iteration), unless the question says otherwise
  (``terminal=given``: keep the number ``values`` gives it, e.g. a final payoff).
- ``policy``: rows ``s,a,π(a|s)``; a state without rows follows the uniform random policy over
  the actions it has.
"""

# Importing the modules registers their solvers (the registry imports this package on first use).
from solvers.rl import (  # noqa: F401
    bellman,
    dp,
    egreedy,
    gridworld,
    monte_carlo,
    policy_iteration,
    returns,
    td,
    td0,
    trajectory,
)
