"""The errors of grading a response (the hierarchy's root is quizapp.exceptions.QuizappError)."""

from ..exceptions import QuizappError


class UnknownQuestionType(QuizappError):
    """A question type name that no grader or registry entry knows."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown question type {name!r}; known types: {', '.join(self.known)}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class InvalidResponse(QuizappError):
    """A response that does not fit its question (a choice that does not exist, a non-number)."""
