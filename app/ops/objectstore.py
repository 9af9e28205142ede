"""The backups bucket through the S3 API (R2 in production, moto's server in tests).

Only calls R2 implements: multipart upload, conditional put (If-None-Match), head, ranged-free
streaming get, list. Nothing relies on versioning or S3 Object Lock, which R2 lacks; keys are
made immutable by If-None-Match here and by the bucket lock in infra/r2.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.ops.errors import BackupNotFound, OpsError
from app.ops.settings import StorageSettings

_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_ALREADY_EXISTS = {"412", "PreconditionFailed"}


class KeyExists(OpsError):
    """The dated key is already taken: backups are never overwritten."""


@dataclass(frozen=True)
class UploadResult:
    key: str
    size: int
    sha256: str
    parts: int


class ObjectStore:
    def __init__(self, settings: StorageSettings) -> None:
        self.bucket = settings.bucket
        self.endpoint = settings.endpoint_url
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            region_name=settings.region,
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            # R2 rejects the default CRC "flexible checksums" on some calls; we send
            # Content-MD5 per part ourselves and verify a sha256 of the whole dump.
            config=Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 5, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )

    def upload_stream(
        self, key: str, source: IO[bytes], part_size: int, before_complete: Callable[[], None]
    ) -> UploadResult:
        """Upload `source` to `key` part by part: at most one part is held in memory.

        The key is created only when CompleteMultipartUpload succeeds (with If-None-Match), so
        a failure at any point leaves no object behind; the upload is aborted.
        `before_complete` runs after the source's EOF and raises to abort (e.g. pg_dump died:
        its EOF must not become a truncated backup).
        """
        if self.exists(key):
            raise KeyExists(
                f"s3://{self.bucket}/{key} already exists; backups are immutable, "
                "wait a second and run the backup again"
            )
        upload_id = self._call(
            "create_multipart_upload",
            Bucket=self.bucket,
            Key=key,
            ContentType="application/vnd.postgresql.custom-dump",
        )["UploadId"]
        digest = hashlib.sha256()
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            while True:
                chunk = source.read(part_size)
                if not chunk and parts:
                    break
                digest.update(chunk)
                size += len(chunk)
                md5 = base64.b64encode(hashlib.md5(chunk, usedforsecurity=False).digest())
                number = len(parts) + 1
                etag = self._call(
                    "upload_part",
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=chunk,
                    ContentMD5=md5.decode(),
                )["ETag"]
                parts.append({"ETag": etag, "PartNumber": number})
                del chunk
                if size == 0:
                    break
            before_complete()
            self._complete(key, upload_id, parts)
        except BaseException:
            self._abort(key, upload_id)
            raise
        return UploadResult(key=key, size=size, sha256=digest.hexdigest(), parts=len(parts))

    def put_new(self, key: str, body: bytes, content_type: str) -> None:
        """Create `key` once; refuse to overwrite."""
        try:
            self._client.put_object(
                Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, IfNoneMatch="*"
            )
        except ClientError as exc:
            if _code(exc) in _ALREADY_EXISTS:
                raise KeyExists(
                    f"s3://{self.bucket}/{key} already exists; backups are immutable"
                ) from None
            raise _storage_error("PutObject", key, exc) from None
        except BotoCoreError as exc:
            raise _storage_error("PutObject", key, exc) from None

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return False
            raise _storage_error("HeadObject", key, exc) from None
        except BotoCoreError as exc:
            raise _storage_error("HeadObject", key, exc) from None
        return True

    def size(self, key: str) -> int:
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise BackupNotFound(f"s3://{self.bucket}/{key} does not exist") from None
            raise _storage_error("HeadObject", key, exc) from None
        except BotoCoreError as exc:
            raise _storage_error("HeadObject", key, exc) from None
        return int(head["ContentLength"])

    def read_small(self, key: str, limit: int = 1024 * 1024) -> bytes:
        """Read a small object (a manifest) whole, refusing anything larger than `limit`."""
        if self.size(key) > limit:
            raise OpsError(
                f"s3://{self.bucket}/{key} is larger than {limit} bytes; it is not a manifest"
            )
        body = self._call("get_object", Bucket=self.bucket, Key=key)["Body"]
        try:
            return bytes(body.read(limit + 1))
        finally:
            body.close()

    def download(self, key: str, sink: IO[bytes], chunk_size: int = 1024 * 1024) -> UploadResult:
        """Stream `key` into `sink`, hashing as it goes (bounded memory)."""
        body = self._call("get_object", Bucket=self.bucket, Key=key)["Body"]
        digest = hashlib.sha256()
        size = 0
        try:
            for chunk in body.iter_chunks(chunk_size):
                digest.update(chunk)
                size += len(chunk)
                sink.write(chunk)
        except BotoCoreError as exc:
            raise _storage_error("GetObject", key, exc) from None
        finally:
            body.close()
        return UploadResult(key=key, size=size, sha256=digest.hexdigest(), parts=0)

    def keys(self, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield str(item["Key"])
        except ClientError as exc:
            raise _storage_error("ListObjectsV2", prefix, exc) from None
        except BotoCoreError as exc:
            raise _storage_error("ListObjectsV2", prefix, exc) from None

    def _complete(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        try:
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except ClientError as exc:
            if _code(exc) in _ALREADY_EXISTS:
                raise KeyExists(
                    f"s3://{self.bucket}/{key} already exists; backups are immutable"
                ) from None
            raise _storage_error("CompleteMultipartUpload", key, exc) from None

    def _abort(self, key: str, upload_id: str) -> None:
        # If this fails too, the bucket's lifecycle rule aborts incomplete uploads after a day.
        with contextlib.suppress(ClientError, BotoCoreError):
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def _call(self, operation: str, **kwargs: Any) -> Any:
        key = str(kwargs.get("Key", ""))
        try:
            return getattr(self._client, operation)(**kwargs)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise BackupNotFound(f"s3://{self.bucket}/{key} does not exist") from None
            raise _storage_error(operation, key, exc) from None
        except BotoCoreError as exc:
            raise _storage_error(operation, key, exc) from None


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _storage_error(operation: str, key: str, exc: Exception) -> OpsError:
    if isinstance(exc, ClientError):
        code = _code(exc)
        if code in {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
            return OpsError(
                f"{operation} on {key!r} was refused ({code}): check "
                "BACKUP_S3_ACCESS_KEY_ID / BACKUP_S3_SECRET_ACCESS_KEY and that the "
                "R2 token is scoped to the backups bucket with read and write"
            )
        if code in {"NoSuchBucket"}:
            return OpsError(f"bucket does not exist ({operation}): check BACKUP_S3_BUCKET")
        return OpsError(
            f"{operation} on {key!r} failed: {code or 'error'}: "
            f"{exc.response.get('Error', {}).get('Message', '')}"
        )
    return OpsError(
        f"{operation} on {key!r} failed: {type(exc).__name__}: {exc}; "
        "check BACKUP_S3_ENDPOINT and the network"
    )
