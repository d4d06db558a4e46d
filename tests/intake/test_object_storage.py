"""Attachments in an S3-compatible bucket (`HOTLINE_STORAGE_BACKEND`, docs in settings.py): a portal
photo sent back with its form, kept, then taken with the corrected form, lands in the bucket and not
on the disk; staff of the ticket download it from there, others do not; an object gone from the
bucket is a 404, not a 500. The bucket is a real S3 HTTP endpoint (moto's server, on localhost),
spoken to by django-storages through boto3, as a city's MinIO or OSS would be."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer

from hotline.intake.models import Attachment
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.web.test_pending_photo import portal_submit

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
BUCKET = "hotline-attachments"
CREDENTIALS = {"access_key": "hotline-test", "secret_key": "hotline-test-secret", "region_name": "cn-north-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def bucket(settings, tmp_path) -> Iterator[Any]:
    """A bucket on a local S3 server, as the default storage; the disk's media folder stays empty."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["region_name"]}
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, **CREDENTIALS},
        },
    }
    try:
        yield s3
    finally:
        server.stop()


def keys(s3: Any, prefix: str = "") -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.mark.django_db
def test_a_portal_photo_goes_to_the_bucket_and_is_served_from_it(
    bucket, staff, departments, tmp_path
) -> None:
    citizen = Client()
    refused = portal_submit(citizen, phone="12345", photo=SimpleUploadedFile("门口.png", PNG))
    assert refused.status_code == 422
    assert len(keys(bucket, "pending/")) == 1  # kept in the bucket while the form goes back
    token = refused.content.decode().split('name="pending_photo" value="', 1)[1][:32]
    taken = portal_submit(citizen, pending_photo=token)
    assert taken.status_code == 200, taken.content.decode()

    attachment = Attachment.objects.get()
    assert keys(bucket, "pending/") == []  # used: deleted from the bucket
    assert keys(bucket, "uploads/") == [attachment.file.name]
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == PNG
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))

    ticket = do_dispatch_ticket(
        Ticket.objects.get(), staff["dispatcher"], lead_department_id=departments["housing"].pk
    )
    url = f"/tickets/{ticket.number}/attachments/{attachment.pk}"
    handler = Client()
    handler.force_login(staff["housing"])
    assert url in handler.get(f"/tickets/{ticket.number}/").content.decode()
    response = handler.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    other = Client()
    other.force_login(staff["street"])  # another department: not its ticket, not its file
    assert other.get(url).status_code == 404

    # An object removed from the bucket behind Hotline's back: the download says it is gone.
    bucket.delete_object(Bucket=BUCKET, Key=attachment.file.name)
    assert handler.get(url).status_code == 404


def _storages_from(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hotline.settings", **environment}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_the_storage_is_chosen_by_the_environment(tmp_path) -> None:
    options = {"bucket_name": "hotline", "endpoint_url": "https://oss.example.cn"}
    chosen = _storages_from(
        {
            "HOTLINE_HOME": str(tmp_path),
            "HOTLINE_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "HOTLINE_STORAGE_OPTIONS": json.dumps(options),
        }
    )
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout) == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


@pytest.mark.parametrize("value", ["{bucket_name: hotline}", '["hotline"]'])
def test_storage_options_that_are_not_a_json_object_are_named(tmp_path, value: str) -> None:
    refused = _storages_from({"HOTLINE_HOME": str(tmp_path), "HOTLINE_STORAGE_OPTIONS": value})
    assert refused.returncode != 0
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: HOTLINE_STORAGE_OPTIONS")
    assert "JSON" in last
