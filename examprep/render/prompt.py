"""Reading answers: a line editor for one-line answers and a multi-line editor for free text.

In a terminal both are prompt_toolkit editors: arrow keys move the cursor (no more ``^[[D``),
Up/Down recall earlier answers of the session, and text from a Chinese input method is inserted
as typed. In the free-text editor Enter starts a new line; Esc then Enter, or Ctrl-D, submits.
When stdin is not a terminal, a one-line answer is one line, and a free-text answer runs until a
line holding only ``.`` or the end of input. Ctrl-C is not caught here: the drill catches it and
keeps everything already graded.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from prompt_toolkit.history import History

END_OF_TEXT = "."


class AnswerReader:
    """One per session, so the history of answers carries from question to question."""

    def __init__(self, interactive: bool | None = None, stdin: TextIO | None = None, pt_input=None, pt_output=None):
        self.stdin = stdin or sys.stdin
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self._pt_input = pt_input  # prompt_toolkit input/output, given by tests
        self._pt_output = pt_output
        self._history: History | None = None

    # -- one line -------------------------------------------------------------------------
    def read_line(self, prompt: str) -> str | None:
        """One line; None at the end of input."""
        if not self.interactive:
            line = self.stdin.readline()
            return None if line == "" else line.rstrip("\r\n")
        session = self._session(multiline=False)
        try:
            return session.prompt(_bold(prompt))
        except EOFError:
            return None

    # -- free text ------------------------------------------------------------------------
    def read_text(self, prompt: str, toolbar: str) -> str | None:
        """A free-text answer of any number of lines; None at the end of input before any text."""
        if not self.interactive:
            lines: list[str] = []
            while True:
                line = self.stdin.readline()
                if line == "":
                    return "\n".join(lines) if lines else None
                line = line.rstrip("\r\n")
                if line.strip() == END_OF_TEXT:
                    return "\n".join(lines)
                lines.append(line)
        session = self._session(multiline=True)
        try:
            return session.prompt(
                _bold(prompt),
                bottom_toolbar=toolbar,
                prompt_continuation=lambda width, line_number, wrap_count: " " * min(width, 2),
                key_bindings=submit_keys(),
            )
        except EOFError:
            return None

    def _session(self, multiline: bool):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory

        if self._history is None:
            self._history = InMemoryHistory()
        return PromptSession(
            history=self._history,
            multiline=multiline,
            input=self._pt_input,
            output=self._pt_output,
            enable_history_search=False,
        )


def _bold(text: str):
    from prompt_toolkit.formatted_text import FormattedText

    return FormattedText([("bold", text)])  # literal text: nothing in it is read as markup


def submit_keys():
    """Ctrl-D submits what was typed (on an empty editor it ends the input, as in a shell);
    Esc then Enter submits too (prompt_toolkit's own multi-line binding)."""
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("c-d")
    def _(event) -> None:
        buffer = event.app.current_buffer
        if buffer.text:
            buffer.validate_and_handle()
        else:
            event.app.exit(exception=EOFError())

    return keys
