"""Error responses for the OpenAPI schema: every status an operation can answer is declared."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    fields: dict[str, list[str]] | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return {status: ErrorOut for status in statuses}


class MissingOut(Schema):
    code: str
    message: str
    who: str
    compound: int | None = None


class ConditionsOut(ErrorOut):
    """A 409 from a step whose conditions are not met: what is missing, and who must act on each."""

    missing: list[MissingOut] = []
