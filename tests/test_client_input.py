"""Nothing a client sends gives a 500: each case here did (issue: typed answers and the holes).

Run with `raise_request_exception=False`, so a server error shows as the 500 a client would get."""

import io
import struct
import zlib
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from governance.models import Vote
from grid.models import Incident
from volunteers.models import ShiftTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(api):
    def make(user):
        client = api(user)
        client.raise_request_exception = False
        return client

    return make


def test_a_time_without_an_offset_is_422_naming_the_field(client_of, estate, committee, committee_member):
    naive = (datetime.now() + timedelta(days=1)).replace(microsecond=0).isoformat()  # no offset
    response = client_of(committee_member).post(
        "/api/v1/governance/votes",
        {
            "compound": estate.compound_a.pk,
            "title": "续聘物业",
            "matter": "hire_property_company",
            "opens_at": naive,
            "closes_at": naive,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"opens_at", "closes_at"}
    assert Vote.objects.count() == 0


def test_a_schedule_time_with_an_offset_is_422_naming_the_field(client_of, estate, worker):
    from volunteers.models import ServiceType

    response = client_of(worker).post(
        "/api/v1/volunteers/shift-templates",
        {
            "community": estate.community_a.pk,
            "service_type": ServiceType.objects.get(code="patrol").pk,
            "weekday": 1,
            "start_time": "00:00:00Z",
            "minutes": 120,
            "meeting_point": "北门",
            "capacity": 5,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["start_time"]
    assert ShiftTemplate.objects.count() == 0


def png_declaring(width: int, height: int) -> bytes:
    """A ~100-byte PNG whose header declares width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def report(client, grids, category, photo):
    return client.post(
        "/api/v1/grid/incidents",
        {
            "grid": grids.a.pk,
            "category": category.pk,
            "place": "北门",
            "description": "占道经营",
            "photo": photo,
        },
    )


@pytest.mark.parametrize("size", [(30000, 30000), (8000, 6000)])
def test_a_pixel_bomb_is_422_on_the_photo(client_of, grids, category, owner, size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bomb = png_declaring(*size)
    assert len(bomb) < 200
    response = report(client_of(owner), grids, category, io.BytesIO(bomb))
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["photo"]
    assert Incident.objects.count() == 0


def test_a_photo_is_stored_re_encoded_without_exif_and_bounded(
    client_of, grids, category, owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PHOTO_MAX_SIDE = 400
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = "GPS 31.2304N 121.4737E"  # ImageDescription, standing in for the GPS block
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "red").save(buffer, "JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    buffer.seek(0)
    buffer.name = "p.jpg"
    response = report(client_of(owner), grids, category, buffer)
    assert response.status_code == 201
    stored = Incident.objects.get().photo
    data = stored.read()
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) == 400
        assert dict(image.getexif()) == {}
    assert b"121.4737" not in data


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="' + b"a" * 2_000_000 + b'"\r\n\r\n1\r\n--x--\r\n',
        ),
    ],
    ids=["no-boundary", "over-long-part-header"],
)
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/grid/incidents"])
def test_a_broken_multipart_body_is_the_apis_json_error(client_of, owner, path, content_type, body, settings):
    for debug in (True, False):
        settings.DEBUG = debug
        client = Client(raise_request_exception=False) if path.endswith("token") else client_of(owner)
        response = client.generic("POST", path, body, content_type=content_type)
        assert response.status_code in (400, 422), (debug, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("offset", ["99999999999999999999999", "-1", "x"])
def test_an_offset_out_of_range_is_422_naming_offset(client_of, worker, offset):
    response = client_of(worker).get(f"/api/v1/property/households?offset={offset}")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["offset"]


def test_a_huge_limit_is_422_naming_limit(client_of, worker):
    response = client_of(worker).get("/api/v1/property/households?limit=99999999999999999999999")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["limit"]


def test_an_aware_time_is_accepted_where_a_naive_one_was_refused(
    client_of, estate, committee, committee_member
):
    opens = timezone.now() + timedelta(days=1)
    response = client_of(committee_member).post(
        "/api/v1/governance/votes",
        {
            "compound": estate.compound_a.pk,
            "title": "续聘物业",
            "matter": "hire_property_company",
            "opens_at": opens.isoformat(),
            "closes_at": (opens + timedelta(days=7)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201


def test_a_photo_with_a_broken_exif_block_or_a_comment_is_stored_clean(
    client_of, grids, category, owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "blue").save(buffer, "JPEG", comment=b"secret-comment")
    data = buffer.getvalue()
    # An APP1 "Exif" segment whose TIFF header lies about its offsets, right after SOI.
    broken = b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff"
    data = data[:2] + b"\xff\xe1" + (len(broken) + 2).to_bytes(2, "big") + broken + data[2:]
    response = report(client_of(owner), grids, category, io.BytesIO(data))
    assert response.status_code in (201, 422)
    if response.status_code == 201:
        assert b"secret-comment" not in Incident.objects.get().photo.read()
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "blue").save(buffer, "JPEG", comment=b"secret-comment")
    buffer.seek(0)
    assert report(client_of(owner), grids, category, buffer).status_code == 201
    assert b"secret-comment" not in Incident.objects.order_by("-id").first().photo.read()


def test_bodies_too_large_are_the_apis_json_413(client_of, worker, estate, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {"compound": estate.compound_a.pk, "name": "x" * 5000, "floors": 6}
    response = client_of(worker).post("/api/v1/property/buildings", big, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    settings.API_MAX_BODY_BYTES = 100
    response = client_of(worker).post("/api/v1/grid/incidents", {"place": "x" * 500})
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
