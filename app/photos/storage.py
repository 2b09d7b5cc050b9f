"""Where the photos' files live: a folder under instance/ (the default), or an
S3-compatible bucket (COMPTOIR_PHOTOS_STORAGE=s3, see config.py and the README).

Files are named by their content's hash and never change once written: a put of a name
already there is skipped, and browsers may cache them for a year."""
import os
import tempfile
from pathlib import Path

CONTENT_TYPE = "image/webp"
CACHE_CONTROL = "public, max-age=31536000, immutable"


class LocalStorage:
    """Files in a folder (instance/media by default); the app serves them (photos.file)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / name[:2] / name

    def put(self, name: str, data: bytes) -> None:
        target = self.path(name)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes | None:
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError:
            return None

    def public_url(self, name: str) -> str | None:
        return None  # served by the app


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, Scaleway, OVH, MinIO…), through boto3.

    With `public_url` (the bucket's public address, or a CDN in front of it) pages point
    the images there; without, the app fetches and serves them itself. Credentials come
    the usual boto3 way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str | None = None, prefix: str = "", public_url: str | None = None,
                 client=None):
        if client is None:
            import boto3
            from botocore.config import Config
            client = boto3.client("s3", endpoint_url=endpoint_url or None,
                                  region_name=region or None,
                                  config=Config(connect_timeout=5, read_timeout=20,
                                                retries={"max_attempts": 3}))
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.base_url = public_url.rstrip("/") if public_url else None

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data,
                               ContentType=CONTENT_TYPE, CacheControl=CACHE_CONTROL)

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return answer["Body"].read()

    def public_url(self, name: str) -> str | None:
        return f"{self.base_url}/{self.prefix}{name}" if self.base_url else None


def storage_from_config(config, instance_path: str):
    kind = config.get("PHOTOS_STORAGE", "local")
    if kind not in ("local", "s3"):
        raise RuntimeError(f"COMPTOIR_PHOTOS_STORAGE is {kind!r}: 'local' or 's3'.")
    if kind == "s3":
        if not config.get("PHOTOS_S3_BUCKET"):
            raise RuntimeError("COMPTOIR_PHOTOS_STORAGE=s3 needs COMPTOIR_PHOTOS_S3_BUCKET.")
        return S3Storage(config["PHOTOS_S3_BUCKET"],
                         endpoint_url=config.get("PHOTOS_S3_ENDPOINT_URL"),
                         region=config.get("PHOTOS_S3_REGION"),
                         prefix=config.get("PHOTOS_S3_PREFIX") or "",
                         public_url=config.get("PHOTOS_PUBLIC_URL"))
    return LocalStorage(config.get("PHOTOS_DIR") or Path(instance_path) / "media")
