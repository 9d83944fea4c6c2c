"""One hierarchy for domain errors, so callers can catch what they can handle."""


class QuizappError(Exception):
    """Base class of every domain error."""


class UnknownQuestionType(QuizappError, KeyError):
    """A question type name that no grader or registry entry knows."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown question type {name!r}; known types: {', '.join(self.known)}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class InvalidResponse(QuizappError, ValueError):
    """A response that does not fit its question (a choice that does not exist, a non-number)."""
