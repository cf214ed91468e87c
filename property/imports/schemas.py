"""The imports' API schemas."""

from datetime import datetime

from ninja import Field, Schema

from property.models import ImportKind, ImportStatus


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOptionsOut(Schema):
    relation: str | None = Field(None, description="What the ledger's people are where it does not say")
    asks: list[str] = Field([], description='What it asks before it may be written: "relation", "accept"')
    unknown: list[str] = Field([], description="Headers it could not read: map them with `columns`")


class ImportChangeOut(Schema):
    what: str = Field(description="unit, person, or absent (registered in a listed unit, not named)")
    row: int
    name: str
    outcome: str = Field(description="created, updated or absent")
    fields: list[list[str | None]] = Field(description="[column, before, after] each")
    key: str | None = Field(
        None, description="A change written only if accepted (accept=), or a relation to end (end=)"
    )
    accepted: bool | None = None


class CountsOut(Schema):
    created: int = 0
    updated: int = 0


class ImportSummaryOut(Schema):
    unit: CountsOut = CountsOut()
    person: CountsOut = CountsOut()
    to_accept: int = Field(0, description="Changes of areas or owners listed to accept")
    not_accepted: int = 0
    absent: int = Field(0, description="People registered in a listed unit whom the file does not name")


class ImportOut(Schema):
    id: int
    kind: ImportKind
    community: int = Field(alias="community_id")
    compound: int | None = Field(alias="compound_id")
    file_name: str
    dry_run: bool
    status: ImportStatus
    rows: int
    checked: int = Field(alias="done_rows", description="Rows checked so far")
    written: int = Field(0, description="Rows written so far (while writing, then all)")
    errors: list[ImportErrorOut]
    notes: list[str] = Field(
        description="What was left out of the file: title rows, totals, signatures, columns"
    )
    options: "ImportOptionsOut"
    changes: list[ImportChangeOut] = Field(
        description="What it changes (checked) or changed (done): the first 5,000"
    )
    summary: ImportSummaryOut = Field(
        description="The counts of all its changes (once written: what was written)"
    )
    created: int
    updated: int
    unchanged: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    failure: str

    @staticmethod
    def resolve_written(obj):
        from property.imports.runs import written_rows

        return written_rows(obj)
