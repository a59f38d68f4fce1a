"""Mock-exam papers: blueprints of sections, questions, items, points and time.

A blueprint (``question_bank/papers/<name>.yaml``) lists sections; a section lists questions; a
question lists items, each either a fixed template (``template: id``, optionally with a fixed
``seed`` and a ``twin`` template for ``--twin``) or a rule that draws one from the bank
(``draw: {topics, kinds, importance}``). Each item may set the ``points`` it is worth on the
paper; the template's own points are scaled to it.

Blueprints are validated like the bank: a problem names the file, the question and the field.
``plan_paper`` turns a blueprint and a seed into a :class:`PaperPlan`: which template and which
seed every item uses. The same blueprint, bank and seed always give the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from examprep.bank.loader import Bank, safe_yaml
from examprep.bank.schema import IMPORTANCE, KINDS, Template
from solvers.core import Text

DEFAULT_WEIGHTS = {"master": 3.0, "understand": 2.0, "skim": 1.0}


class PaperError(ValueError):
    """A blueprint is broken or cannot be built from the bank; the message says where."""


@dataclass(frozen=True)
class Draw:
    topics: tuple[str, ...]
    kinds: tuple[str, ...]  # in order of preference: the first kind with a candidate is used
    importance: tuple[str, ...]


@dataclass(frozen=True)
class ItemSpec:
    template: str | None = None
    draw: Draw | None = None
    seed: int | None = None  # a fixed seed: the numbers as they were set
    twin: str | None = None  # the template used instead with --twin (fresh numbers)
    points: float | None = None


@dataclass(frozen=True)
class QuestionSpec:
    items: tuple[ItemSpec, ...]
    title: Text | None = None


@dataclass(frozen=True)
class SectionSpec:
    title: Text
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class Blueprint:
    id: str
    title: Text
    description: Text
    minutes: float
    sections: tuple[SectionSpec, ...]
    path: str
    total: float | None = None
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @property
    def question_count(self) -> int:
        return sum(len(s.questions) for s in self.sections)

    @property
    def has_twin(self) -> bool:
        return any(i.twin or i.seed is not None for s in self.sections for q in s.questions for i in q.items)


# -- plans: what an attempt freezes ------------------------------------------------------------


@dataclass(frozen=True)
class PlannedItem:
    template_id: str
    seed: int
    points: float


@dataclass(frozen=True)
class PlannedQuestion:
    number: int
    section: int
    items: tuple[PlannedItem, ...]
    title: Text | None = None

    @property
    def points(self) -> float:
        return sum(i.points for i in self.items)


@dataclass(frozen=True)
class PaperPlan:
    paper: str
    seed: int
    twin: bool
    title: Text
    minutes: float
    sections: tuple[Text, ...]
    questions: tuple[PlannedQuestion, ...]

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def to_json(self) -> dict[str, Any]:
        return {
            "paper": self.paper,
            "seed": self.seed,
            "twin": self.twin,
            "title": [self.title.en, self.title.zh],
            "minutes": self.minutes,
            "sections": [[s.en, s.zh] for s in self.sections],
            "questions": [
                {
                    "number": q.number,
                    "section": q.section,
                    "title": [q.title.en, q.title.zh] if q.title else None,
                    "items": [{"template": i.template_id, "seed": i.seed, "points": i.points} for i in q.items],
                }
                for q in self.questions
            ],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> PaperPlan:
        return PaperPlan(
            paper=data["paper"],
            seed=int(data["seed"]),
            twin=bool(data["twin"]),
            title=Text(*data["title"]),
            minutes=float(data["minutes"]),
            sections=tuple(Text(*s) for s in data["sections"]),
            questions=tuple(
                PlannedQuestion(
                    number=q["number"],
                    section=q["section"],
                    title=Text(*q["title"]) if q.get("title") else None,
                    items=tuple(PlannedItem(i["template"], int(i["seed"]), float(i["points"])) for i in q["items"]),
                )
                for q in data["questions"]
            ),
        )


# -- reading blueprints ------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: str, raw: Any):
        self.path = path
        if not isinstance(raw, dict) or not isinstance(raw.get("paper"), dict):
            raise self.fail(None, "the file must be a mapping with a 'paper' mapping")
        self.raw = raw["paper"]

    def fail(self, where: str | None, message: str) -> PaperError:
        return PaperError(f"{self.path}{', ' + where if where else ''}: {message}")

    def text(self, value: Any, where: str, required: bool = True) -> Text | None:
        if value is None and not required:
            return None
        if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) and value[k].strip() for k in ("en", "zh")
        ):
            raise self.fail(where, "must be a mapping with non-empty 'en' and 'zh' text")
        return Text(value["en"].strip(), value["zh"].strip())

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.fail(where, f"must be a positive number, got {value!r}")
        return float(value)

    def names(self, value: Any, where: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "must be a name or a non-empty list of names")
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                raise self.fail(where, f"unknown {', '.join(bad)} (allowed: {', '.join(allowed)})")
        return tuple(value)

    def item(self, raw: Any, where: str) -> ItemSpec:
        if not isinstance(raw, dict):
            raise self.fail(where, "each item must be a mapping with 'template' or 'draw'")
        unknown = set(raw) - {"template", "draw", "seed", "twin", "points"}
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
        if ("template" in raw) == ("draw" in raw):
            raise self.fail(where, "needs exactly one of 'template' and 'draw'")
        points = self.number(raw["points"], where + ".points") if "points" in raw else None
        seed = raw.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise self.fail(where + ".seed", f"must be an integer, got {seed!r}")
        if "template" in raw:
            for key in ("template", "twin"):
                if key in raw and (not isinstance(raw[key], str) or not raw[key]):
                    raise self.fail(f"{where}.{key}", "must be a template id")
            return ItemSpec(template=raw["template"], seed=seed, twin=raw.get("twin"), points=points)
        if "seed" in raw or "twin" in raw:
            raise self.fail(where, "'seed' and 'twin' belong to a fixed template, not to a draw")
        rule = raw["draw"]
        if not isinstance(rule, dict) or "topics" not in rule:
            raise self.fail(where + ".draw", "must be a mapping with 'topics' (and optionally 'kinds', 'importance')")
        draw = Draw(
            topics=self.names(rule["topics"], where + ".draw.topics"),
            kinds=self.names(rule.get("kinds", list(KINDS)), where + ".draw.kinds", KINDS),
            importance=self.names(rule.get("importance", list(IMPORTANCE)), where + ".draw.importance", IMPORTANCE),
        )
        return ItemSpec(draw=draw, points=points)

    def build(self) -> Blueprint:
        raw = self.raw
        pid = raw.get("id")
        if not isinstance(pid, (str, int)) or isinstance(pid, bool) or not str(pid).strip():
            raise self.fail("id", "missing")
        sections_raw = raw.get("sections")
        if not isinstance(sections_raw, list) or not sections_raw:
            raise self.fail("sections", "needs a non-empty list of sections")
        sections = []
        number = 0
        for s, section in enumerate(sections_raw):
            where = f"sections[{s}]"
            if (
                not isinstance(section, dict)
                or not isinstance(section.get("questions"), list)
                or not section["questions"]
            ):
                raise self.fail(where, "needs a title and a non-empty list of questions")
            questions = []
            for question in section["questions"]:
                number += 1
                qwhere = f"question {number}"
                if (
                    not isinstance(question, dict)
                    or not isinstance(question.get("items"), list)
                    or not question["items"]
                ):
                    raise self.fail(qwhere, "needs a non-empty list of items")
                items = tuple(self.item(item, f"{qwhere}, item {i + 1}") for i, item in enumerate(question["items"]))
                questions.append(QuestionSpec(items, self.text(question.get("title"), qwhere + ".title", False)))
            sections.append(SectionSpec(self.text(section.get("title"), where + ".title"), tuple(questions)))  # type: ignore[arg-type]
        weights = dict(DEFAULT_WEIGHTS)
        raw_weights = raw.get("weights") or {}
        if not isinstance(raw_weights, dict):
            raise self.fail("weights", "must map importance to a weight")
        for key, value in raw_weights.items():
            if key not in IMPORTANCE:
                raise self.fail("weights", f"unknown importance {key!r}")
            weights[key] = self.number(value, f"weights.{key}")
        return Blueprint(
            id=str(pid),
            title=self.text(raw.get("title"), "title"),  # type: ignore[arg-type]
            description=self.text(raw.get("description"), "description"),  # type: ignore[arg-type]
            minutes=self.number(raw.get("minutes"), "minutes"),
            sections=tuple(sections),
            path=self.path,
            total=self.number(raw["total"], "total") if "total" in raw else None,
            weights=weights,
        )


def read_blueprint(path: Path) -> Blueprint:
    try:
        raw = safe_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PaperError(f"{path}: cannot read the file ({exc})") from None
    except Exception as exc:  # yaml.YAMLError; yaml itself is imported lazily by the loader
        raise PaperError(f"{path}: not valid YAML ({exc})") from None
    return _Reader(str(path), raw).build()


def builtin_paper_files() -> list[Path]:
    root = Path(str(resources.files("question_bank"))) / "papers"
    return sorted(root.glob("*.yaml"))


def load_blueprints(files: list[Path] | None = None) -> dict[str, Blueprint]:
    """Every blueprint by id. Raises PaperError listing every broken file."""
    papers: dict[str, Blueprint] = {}
    errors: list[str] = []
    for path in builtin_paper_files() if files is None else files:
        try:
            blueprint = read_blueprint(path)
        except PaperError as exc:
            errors.append(str(exc))
            continue
        if blueprint.id in papers:
            errors.append(f"{path}: duplicate paper id {blueprint.id!r} (also in {papers[blueprint.id].path})")
            continue
        papers[blueprint.id] = blueprint
    if errors:
        raise PaperError("\n".join(errors))
    return papers


# -- checking against the bank and drawing ------------------------------------------------------


def concept_keys(template: Template) -> set[str]:
    """What a template examines, for 'no two slots on the same concept'.

    A short-answer item is its own concept. A calculation is identified by the first two parts
    of its id (``cnn.conv``, ``optim.adam``) and by its solver, so two convolution-size questions
    (``cnn.conv.output-size``, ``cnn.exam2020.q1``) never share a paper.
    """
    if template.kind != "calc":
        return {template.id}
    keys = {".".join(template.id.split(".")[:2])}
    if template.solver:
        keys.add(template.solver)
    return keys


def check_blueprint(blueprint: Blueprint, bank: Bank) -> list[str]:
    """Problems that stop the paper from being built with this bank, each naming its place, and a
    stated ``total`` the items do not add up to."""
    problems = _missing(blueprint, bank)
    if blueprint.total is not None and not problems:
        plan_total = plan_paper(blueprint, bank, 1).max_points
        if abs(plan_total - blueprint.total) > 1e-9:
            problems.append(
                f"{blueprint.path}: the items add up to {plan_total:g} points, not the stated total {blueprint.total:g}"
            )
    return problems


def _missing(blueprint: Blueprint, bank: Bank) -> list[str]:
    problems: list[str] = []
    number = 0
    for section in blueprint.sections:
        for question in section.questions:
            number += 1
            for i, item in enumerate(question.items, start=1):
                where = f"{blueprint.path}, question {number}, item {i}"
                for key in ("template", "twin"):
                    tid = getattr(item, key)
                    if tid is not None and bank.get(tid) is None:
                        problems.append(f"{where}: {key} {tid!r} is not in the question bank")
                if item.template and item.twin and bank.get(item.template) and bank.get(item.twin):
                    first, twin = bank.get(item.template), bank.get(item.twin)
                    if [p.id for p in first.parts] != [p.id for p in twin.parts]:  # type: ignore[union-attr]
                        problems.append(
                            f"{where}: twin {item.twin!r} does not have the same parts as {item.template!r}"
                        )
                if item.draw is not None:
                    if not _candidates(bank, item.draw, set(), kinds=item.draw.kinds):
                        problems.append(
                            f"{where}: no template in the bank matches topics {', '.join(item.draw.topics)}, "
                            f"kinds {', '.join(item.draw.kinds)}, importance {', '.join(item.draw.importance)}"
                        )
    return problems


def missing_templates(blueprint: Blueprint, bank: Bank) -> list[str]:
    """Template ids the blueprint names that the bank does not have."""
    ids = [
        tid
        for section in blueprint.sections
        for question in section.questions
        for item in question.items
        for tid in (item.template, item.twin)
        if tid is not None and bank.get(tid) is None
    ]
    return list(dict.fromkeys(ids))


def _candidates(bank: Bank, draw: Draw, used: set[str], kinds: tuple[str, ...]) -> list[Template]:
    return [
        t
        for t in sorted(bank.templates.values(), key=lambda t: t.id)
        if t.topic in draw.topics
        and t.kind in kinds
        and t.importance in draw.importance
        and not (concept_keys(t) & used)
    ]


def _item_seed(paper: str, seed: int, number: int, index: int) -> int:
    return random.Random(f"paper:{paper}:{seed}:q{number}:i{index}").randrange(1, 10**6)


def plan_paper(blueprint: Blueprint, bank: Bank, seed: int, twin: bool = False) -> PaperPlan:
    """Choose every item's template and seed. Fixed templates keep a fixed seed unless ``twin``;
    draws prefer the first listed kind that has a candidate, weight candidates by importance and
    never reuse a concept already on the paper."""
    problems = _missing(blueprint, bank)
    if problems:
        raise PaperError("\n".join(problems))
    rng = random.Random(f"paper:{blueprint.id}:{seed}:{'twin' if twin else 'set'}")
    used: set[str] = set()
    for section in blueprint.sections:  # fixed items first: a draw must not repeat them
        for question in section.questions:
            for item in question.items:
                if item.template:
                    used |= concept_keys(bank.get(item.twin if twin and item.twin else item.template))  # type: ignore[arg-type]
    questions = []
    number = 0
    for s, section in enumerate(blueprint.sections):
        for question in section.questions:
            number += 1
            items = []
            for i, item in enumerate(question.items, start=1):
                item_seed = _item_seed(blueprint.id, seed, number, i)
                if item.template:
                    template = bank.get(item.twin if twin and item.twin else item.template)
                    if item.seed is not None and not twin:
                        item_seed = item.seed
                else:
                    template = _draw(bank, item.draw, used, blueprint.weights, rng, f"question {number}, item {i}")  # type: ignore[arg-type]
                    used |= concept_keys(template)
                assert template is not None
                items.append(PlannedItem(template.id, item_seed, item.points or template.points))
            questions.append(PlannedQuestion(number, s, tuple(items), question.title))
    return PaperPlan(
        paper=blueprint.id,
        seed=seed,
        twin=twin,
        title=blueprint.title,
        minutes=blueprint.minutes,
        sections=tuple(sec.title for sec in blueprint.sections),
        questions=tuple(questions),
    )


def _draw(
    bank: Bank, draw: Draw, used: set[str], weights: dict[str, float], rng: random.Random, where: str
) -> Template:
    for kind in draw.kinds:
        candidates = _candidates(bank, draw, used, kinds=(kind,))
        if candidates:
            return rng.choices(candidates, weights=[weights[t.importance] for t in candidates])[0]
    raise PaperError(
        f"{where}: every template for topics {', '.join(draw.topics)} is already on the paper (or none exists)"
    )
