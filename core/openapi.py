"""Error responses for the OpenAPI schema: every status an operation can answer is declared."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    fields: dict[str, list[str]] | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return {status: ErrorOut for status in statuses}
