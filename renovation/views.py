from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from renovation.models import ProgressPhoto

_PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def progress_photo(request, photo_id: int):
    """A photo of the works from site: public, as the compound's page shows progress to anyone."""
    photo = get_object_or_404(ProgressPhoto, pk=photo_id)
    if not photo.image:
        raise Http404
    kind = photo.image.name.rsplit(".", 1)[-1]
    return FileResponse(
        photo.image.open("rb"), content_type=_PHOTO_TYPES.get(kind, "application/octet-stream")
    )
