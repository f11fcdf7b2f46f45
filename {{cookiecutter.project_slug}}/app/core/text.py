"""The one rule for text: every string the API accepts can be encoded, stored and hashed.

JSON can spell a lone surrogate (`"\\udc80"`), which no UTF-8 encoder takes, and the NUL character,
which PostgreSQL cannot store. Every string type of the API's inputs carries `StorableText`, so
both are refused with a 422 before they reach the hasher or the database.
"""

from pydantic import BeforeValidator


def text_problem(value: str) -> str | None:
    """What makes this string unstorable, or None."""
    if "\x00" in value:
        return "must not contain the NUL character"
    try:
        value.encode()
    except UnicodeEncodeError:
        return "must be valid Unicode text, without lone surrogates"
    return None


def _refuse_unstorable(value: object) -> object:
    # Runs before the field's own type, so it serves str, SecretStr and EmailStr alike.
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValueError(problem)
    return value


StorableText = BeforeValidator(_refuse_unstorable)
