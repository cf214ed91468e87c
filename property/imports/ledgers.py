"""An import's file handed back marked with its errors."""

from io import BytesIO

from django.http import FileResponse

from property.ledgers import XLSX


def marked_response(record) -> FileResponse:
    """An import's file handed back with its errors (reading.marked), under the name it came with."""
    from property.imports.reading import marked
    from property.imports.runs import kinds

    columns = kinds()[record.kind].columns
    data, extension = marked(
        columns, record.file_name, bytes(record.data), record.errors, record.options.get("columns")
    )
    stem = record.file_name.rsplit(".", 1)[0] or "ledger"
    content_type = XLSX if extension == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=f"{stem}-错误.{extension}", content_type=content_type
    )
