"""Progress screens (rich): review list, stats with trend and calendar heatmap, the cram plan.

Text that comes from the bank or the history (ids, topics, mistake names) is passed as
``rich.text.Text`` or with ``markup=False``, never as markup.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich import box
from rich.columns import Columns
from rich.console import Console
from rich.table import Table
from rich.text import Text

from examprep.bank.topics import topic_label
from examprep.i18n import t
from examprep.plan import PlanDay
from examprep.session.review import DueSkill
from examprep.stats import CALENDAR_WEEKS, Stats, mistake_name

LEVELS = (
    (0, "·", "grey50"),
    (1, "░", "green"),
    (3, "▒", "green"),
    (6, "▓", "bright_green"),
    (10, "█", "bold bright_green"),
)


def pct(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f}%"


def bar(share: float, width: int = 10) -> Text:
    filled = round(share * width)
    style = "red" if share < 0.5 else "yellow" if share < 0.8 else "green"
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="grey50")


def review_table(due: list[DueSkill], lang: str) -> Table:
    table = Table(title=t("review_title", lang), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column(t("col_skill", lang), overflow="fold")
    table.add_column(t("col_topic", lang))
    table.add_column(t("col_due", lang))
    table.add_column(t("col_overdue", lang), justify="right")
    for skill in due:
        table.add_row(
            Text(skill.template_id),
            Text(skill.topic),
            skill.due.astimezone().strftime("%Y-%m-%d %H:%M"),
            str(max(skill.overdue_days, 0)),
        )
    return table


def _level(count: int) -> tuple[str, str]:
    glyph, style = LEVELS[0][1], LEVELS[0][2]
    for threshold, g, s in LEVELS:
        if count >= threshold:
            glyph, style = g, s
    return glyph, style


def heatmap(calendar: dict[str, int], today: date, lang: str, weeks: int = CALENDAR_WEEKS) -> Text:
    """A GitHub-style calendar: one column per week (oldest left), one row per weekday; glyphs
    differ by level as well as colour, so it reads without colour (NO_COLOR)."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    names = t("weekdays", lang).split()
    out = Text()
    for weekday in range(7):
        out.append(f"{names[weekday]:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                out.append("  ")
                continue
            glyph, style = _level(calendar.get(day.isoformat(), 0))
            out.append(glyph + " ", style=style)
        out.append("\n")
    scale = Text()
    for _threshold, glyph, style in LEVELS:
        scale.append(glyph, style=style)
    less, more = t("stats_less_more", lang, scale="\0").split("\0")
    out.append("    " + less, style="dim")
    out.append_text(scale)
    out.append(more, style="dim")
    return out


def render_stats(
    console: Console, stats: Stats, lang: str, titles: dict[str, str] | None = None, every_skill: bool = False
) -> None:
    """The stats screen. ``titles`` names skills by their template titles; the per-skill table is
    shown in full for one topic (``every_skill``), else only its weakest rows."""
    titles = titles or {}
    if not stats.attempts:
        console.print(t("stats_empty", lang), markup=False)
        console.print(t("stats_due", lang, due=stats.due, overdue=stats.overdue), markup=False)
        return
    console.print(Text(t("stats_overall", lang, attempts=stats.attempts, accuracy=pct(stats.accuracy)), style="bold"))
    topics = Table(title=t("stats_title", lang), title_justify="left", box=box.SIMPLE_HEAD)
    topics.add_column(t("col_topic", lang))
    topics.add_column(t("col_attempts", lang), justify="right")
    topics.add_column(t("col_accuracy", lang), justify="right")
    topics.add_column("", no_wrap=True)
    for row in sorted(stats.topics, key=lambda r: (r.accuracy, r.key)):
        topics.add_row(Text(topic_label(row.key, lang)), str(row.attempts), pct(row.accuracy), bar(row.accuracy))

    trend = Table(title=t("stats_trend", lang, days=len(stats.trend)), title_justify="left", box=box.SIMPLE_HEAD)
    trend.add_column(t("col_day", lang))
    trend.add_column(t("col_attempts", lang), justify="right")
    trend.add_column(t("col_accuracy", lang), justify="right")
    trend.add_column("", no_wrap=True)
    for day in stats.trend:
        trend.add_row(
            day.day[5:],
            str(day.attempts),
            pct(day.accuracy),
            bar(day.accuracy, 8) if day.accuracy is not None else Text(""),
        )
    console.print(Columns([topics, trend], padding=(0, 2)))

    rows = sorted(stats.templates, key=lambda r: (r.topic, r.key)) if every_skill else stats.weakest
    if rows:
        title = t("stats_templates", lang) if every_skill else t("stats_weakest", lang)
        skills = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        skills.add_column(t("col_skill", lang), overflow="fold")
        skills.add_column(t("col_attempts", lang), justify="right")
        skills.add_column(t("col_accuracy", lang), justify="right")
        for row in rows:
            name = Text(row.key)
            if row.key in titles:
                name.append("\n" + titles[row.key], style="dim")
            skills.add_row(name, str(row.attempts), pct(row.accuracy))
        console.print(skills)
        if not every_skill:
            console.print(Text(t("stats_every_skill", lang), style="dim"))
    if stats.mistakes:
        console.print(Text(t("stats_mistakes", lang), style="bold"))
        for mistake, count in stats.mistakes:
            console.print(Text(f"  • {mistake_name(mistake)} × {count}"))
    console.print()
    calendar = Text(t("stats_calendar", lang, weeks=CALENDAR_WEEKS) + "\n", style="bold")
    calendar.append_text(heatmap(stats.calendar, date.fromisoformat(stats.today), lang))
    summary = Text()
    summary.append(t("stats_streak", lang, days=stats.streak) + "\n", style="bold")
    summary.append(t("stats_due", lang, due=stats.due, overdue=stats.overdue))
    console.print(Columns([calendar, summary], padding=(0, 4)))


def render_plan(console: Console, plan: list[PlanDay], exam: date, lang: str) -> None:
    table = Table(
        title=t("plan_title", lang, date=exam.isoformat(), days=len(plan)),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column(t("col_day", lang), no_wrap=True)
    table.add_column(t("col_topics", lang), overflow="fold")
    table.add_column(t("col_new", lang), justify="right")
    table.add_column(t("col_reviews", lang), justify="right")
    table.add_column(t("col_total", lang), justify="right")
    weekdays = t("weekdays", lang).split()
    for day in plan:
        topics = Text()
        for index, slot in enumerate(day.topics):
            if index:
                topics.append(", ")
            topics.append(topic_label(slot.topic, lang))
            topics.append(
                f" ({pct(slot.accuracy) if slot.accuracy is not None else t('plan_never', lang)})", style="dim"
            )
        table.add_row(
            f"{day.day.isoformat()[5:]} {weekdays[day.day.weekday()]}",
            topics,
            str(sum(s.questions for s in day.topics)),
            str(day.all_reviews),
            str(day.questions),
        )
    console.print(table)
    console.print(Text(t("plan_note", lang), style="dim"))
