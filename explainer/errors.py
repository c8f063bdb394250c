"""The one kind of error explainer reports to users."""

from __future__ import annotations

from collections.abc import Callable

CHAIN_SHOWN = 8


class ExplainError(Exception):
    """A problem with the user's input: reported as one line, exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Diagnosis(ExplainError):
    """What the doctor found (walkthrough/doctor.py): a headline a user
    can act on, then the detail, a line each."""

    def __init__(self, headline: str, detail: tuple[str, ...] = ()) -> None:
        self.headline = headline
        self.detail = detail
        super().__init__("\n".join((headline, *("  " + line for line in detail))))

    def __reduce__(self) -> tuple[type[Diagnosis], tuple[str, tuple[str, ...]]]:
        return (Diagnosis, (self.headline, self.detail))


class PreprocessError(ExplainError):
    """An error at a place in a file, with the include chain that led there."""

    def __init__(
        self, file: str, line: int, cause: str, chain: tuple[tuple[str, int], ...] = ()
    ) -> None:
        self.file = file
        self.line = line
        self.cause = cause
        self.chain = chain
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.file}:{self.line}: error: {self.cause}" if self.line else f"{self.file}: error: {self.cause}"
        if self.chain:
            places = [f"{f}:{n}" for f, n in self.chain]
            if len(places) > CHAIN_SHOWN:
                # A runaway re-inclusion: show both ends of the chain.
                hidden = len(places) - CHAIN_SHOWN
                places = [*places[: CHAIN_SHOWN // 2], f"... {hidden} more",
                          *places[-CHAIN_SHOWN // 2 :]]
            text += " (included from " + ", ".join(places) + ")"
        return text

    def __str__(self) -> str:
        return self.render()

    def shown(self, display: Callable[[str], str]) -> PreprocessError:
        """The same error with its files as *display* shows them to users
        (TranslationUnit.shown)."""
        return PreprocessError(display(self.file), self.line, self.cause,
                               tuple((display(f), n) for f, n in self.chain))

    def __reduce__(self) -> tuple[type[PreprocessError], tuple[str, int, str, tuple[tuple[str, int], ...]]]:
        # Site workers send errors back to the parent process.
        return (PreprocessError, (self.file, self.line, self.cause, self.chain))
