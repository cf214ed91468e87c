"""Photos (an incident's, a duty finding's, a renovation progress report's): checked and re-encoded
when they come in, and served through a view that has checked who may see them, never from a public
media folder."""

import io
import struct
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core.errors import Invalid

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def photo_response(field_file) -> FileResponse:
    """The stored photo with its content type (the stored name's extension is ours: see photo_checked)."""
    if not field_file:
        raise Http404
    kind = field_file.name.rsplit(".", 1)[-1]
    return FileResponse(field_file.open("rb"), content_type=PHOTO_TYPES.get(kind, "application/octet-stream"))


PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_checked(upload) -> ContentFile:
    """A photo that is really an image of an accepted type and size, re-encoded under a name we choose.

    Re-encoding drops EXIF (GPS included) and whatever else rode along in the file; the picture is
    turned upright first and its longest side bounded by PHOTO_MAX_SIDE. The header's pixel
    count is checked before anything is decoded, so a small file declaring a huge image is refused.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    wrong_kind = Invalid(_("The photo must be a JPEG, PNG or WebP image."), field="photo")
    too_big = Invalid(_("The photo has too many pixels."), field="photo")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise Invalid(
            _("The photo is larger than %(mb)s MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photo",
        )
    data = upload.read()
    try:
        with Image.open(ContentFile(data)) as image:
            kind = image.format
            if kind not in PHOTO_FORMATS:
                raise wrong_kind
            if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                raise too_big
            image.load()
            try:
                picture = ImageOps.exif_transpose(image)
            except Exception:  # noqa: BLE001 - a malformed EXIF block: keep the picture as drawn
                picture = image.copy()
            picture.thumbnail((settings.PHOTO_MAX_SIDE, settings.PHOTO_MAX_SIDE))
            picture.info = {}  # nothing rides along: no comment, text chunk, EXIF or XMP
            out = io.BytesIO()
            if kind == "JPEG":
                picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                picture.save(out, kind)
    except Image.DecompressionBombError:  # Pillow's own limit, met in the header before ours
        raise too_big from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, struct.error):
        raise wrong_kind from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[kind]}")
