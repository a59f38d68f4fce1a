"""Loading the question bank: the built-in YAML files plus any the user points at.

Files are read with ``yaml.safe_load`` only. Every problem found (bad YAML, a missing field, a
duplicate id) is collected and reported together, each naming its file, template and field.
What the safe loader returns for a file is kept in a cache keyed by the file's bytes
(``examprep.bank.cache``), so an unchanged bank is not parsed again on every start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from examprep.bank import cache
from examprep.bank.schema import BankError, Template, template_from_dict
from examprep.bank.yamlsafe import safe_yaml  # noqa: F401  (re-exported: the one safe YAML reader)

BANK_ENV = "EXAMPREP_BANK"


class BankLoadError(Exception):
    """One or more bank files are broken; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Bank:
    templates: dict[str, Template] = field(default_factory=dict)

    def topics(self) -> list[str]:
        return sorted({t.topic for t in self.templates.values()})

    def by_topic(self, topic: str, kinds: tuple[str, ...] = ("calc",)) -> list[Template]:
        return [t for t in self.templates.values() if t.topic == topic and t.kind in kinds]

    def get(self, template_id: str) -> Template | None:
        return self.templates.get(template_id)


# Built-in templates: calculation templates in ``question_bank/*.yaml`` and short-answer / essay
# items in ``question_bank/theory/*.yaml`` (one file per topic in each). ``papers/`` and
# ``concepts/`` hold other kinds of data and are read by their own loaders.
TEMPLATE_FOLDERS = ("", "theory")


def builtin_files() -> list[Path]:
    root = Path(str(resources.files("question_bank")))
    return sorted(path for folder in TEMPLATE_FOLDERS for path in (root / folder).glob("*.yaml"))


def extra_paths(cli_paths: list[str] | None = None) -> list[Path]:
    """Paths from ``--bank`` options and the EXAMPREP_BANK variable (os.pathsep-separated)."""
    paths = [Path(p) for p in (cli_paths or [])]
    env = os.environ.get(BANK_ENV, "")
    paths += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    return paths


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")))
    return [path]


def _wanted(item: object, topic: str | None) -> bool:
    """With a topic, templates of other topics are skipped unread (a template whose topic cannot be
    told is kept, so its error is still reported)."""
    if topic is None or not isinstance(item, dict):
        return True
    other = item.get("topic")
    return not isinstance(other, str) or other == topic


def read_templates(path: Path, topic: str | None = None) -> list[Template]:
    """Parse one file (only the templates of ``topic`` when given); raises BankError (with the file
    name) on any problem."""
    try:
        raw = cache.parsed(path.read_bytes(), safe_yaml)
    except FileNotFoundError:
        raise BankError(str(path), None, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(str(path), None, None, f"cannot read the file ({exc})") from None
    except Exception as exc:  # yaml is imported only when a file has to be parsed
        import yaml

        if not isinstance(exc, yaml.YAMLError):
            raise
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise BankError(str(path), None, None, f"not valid YAML{where}: {problem}") from None
    if raw is None:
        return []
    if not isinstance(raw, dict) or not isinstance(raw.get("templates"), list):
        raise BankError(str(path), None, "templates", "the file must be a mapping with a list under 'templates'")
    return [template_from_dict(item, str(path), i) for i, item in enumerate(raw["templates"]) if _wanted(item, topic)]


def load_bank(extra: list[Path] | None = None, include_builtin: bool = True, topic: str | None = None) -> Bank:
    """The whole bank, or with ``topic`` only that topic's templates (what ``drill TOPIC`` needs:
    the other templates are neither validated nor checked for duplicate ids)."""
    files = (builtin_files() if include_builtin else []) + [f for p in (extra or []) for f in _expand(p)]
    bank = Bank()
    errors: list[str] = []
    for path in files:
        try:
            templates = read_templates(path, topic)
        except BankError as exc:
            errors.append(str(exc))
            continue
        for template in templates:
            if template.id in bank.templates:
                first = bank.templates[template.id].path
                errors.append(str(BankError(str(path), template.id, "id", f"duplicate id (also in {first})")))
                continue
            bank.templates[template.id] = template
    if errors:
        raise BankLoadError(errors)
    return bank
