"""Issues the import tables expect again and again, written once (the importers' exact words)."""


def todo(line, qid, explanation=True, references=True):
    """The issues asking the instructor for what the source did not carry."""
    return [(line, qid, message) for message, missing in (
        ("no explanation in the source; add one", explanation),
        ("no references in the source; add at least one", references)) if missing]


def category(line, path, count):
    """The issue on a category line that no skill was mapped to."""
    return (line, None, f"category '{path}' ({count} question{'' if count == 1 else 's'}) not carried: a quizapp file "
                        f"has one skill; to give its questions another, convert with --category-skill '{path}=SKILL'")
