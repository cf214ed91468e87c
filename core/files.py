"""Serving a stored photo (an incident's, a progress report's) through a view that has checked who may
see it, never from a public media folder."""

from django.http import FileResponse, Http404

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def photo_response(field_file) -> FileResponse:
    """The stored photo with its content type (the stored name's extension is ours: see photo_checked)."""
    if not field_file:
        raise Http404
    kind = field_file.name.rsplit(".", 1)[-1]
    return FileResponse(field_file.open("rb"), content_type=PHOTO_TYPES.get(kind, "application/octet-stream"))
