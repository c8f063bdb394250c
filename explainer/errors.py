"""The one kind of error explainer reports to users."""

from __future__ import annotations

from collections.abc import Callable

from explainer import prose

CHAIN_SHOWN = 8


class ExplainError(Exception):
    """A problem with the user's input: reported as one line, exit 2.
    Its message, if a prose.Said, is said in the language of the run
    wherever it is shown (a site's other language says it again)."""

    def __init__(self, message: str, quoted: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.quoted = quoted  # the compiler's own words in it (a page shows them as its output)

    def __str__(self) -> str:
        return prose.again(self.message)


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
        super().__init__(self.said())

    def said(self) -> str:
        """The line as gcc writes it: in gcc's English, a prose.Said that
        prose.again says in another language."""
        if self.line:
            text = prose.say("cpp", "at", prose.DEFAULT_LANGUAGE, place=f"{self.file}:{self.line}", cause=self.cause)
        else:
            text = prose.say("cpp", "at_file", prose.DEFAULT_LANGUAGE, file=self.file, cause=self.cause)
        if self.chain:
            places: list[str] = [f"{f}:{n}" for f, n in self.chain]
            if len(places) > CHAIN_SHOWN:
                # A runaway re-inclusion: show both ends of the chain.
                hidden = prose.say("cpp", "more", prose.DEFAULT_LANGUAGE, count=len(places) - CHAIN_SHOWN)
                places = [*places[: CHAIN_SHOWN // 2], hidden, *places[-CHAIN_SHOWN // 2 :]]
            joined = places[0]
            for place in places[1:]:
                joined = joined + ", " + place
            text += prose.say("cpp", "included_from", prose.DEFAULT_LANGUAGE, places=joined)
        return text


    def render(self, lang: str | None = None) -> str:
        """The line in *lang* (None: the run's)."""
        return prose.again(self.said(), lang)

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
