"""The one way examprep reads YAML: plain data through a safe loader.

Its own small module so that readers which need nothing else from the bank (the concept cards
behind ``examprep explain``) do not pay for importing the template schema and the grader.
``examprep.bank.loader`` re-exports it.
"""

from __future__ import annotations


def safe_yaml(text: str) -> object:
    """Plain data from YAML text, with libyaml's C safe loader where it is built (about 10× faster
    than the pure-Python one), else PyYAML's own safe loader. Never a loader that builds objects."""
    import yaml  # here, not at start-up: an unchanged bank comes from the cache without it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, chosen above
