"""Where the files go: a folder under instance/ (the default) or an S3-compatible bucket, here
moto's S3 server on a free port, reached by the real boto3 over HTTP. Either way the app
serves them at /photos/… cached for a year, or pages point to the bucket's public URL."""
import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.photos.routes import photo_json
from app.photos.services import set_product_photo, set_shop_logo
from app.photos.storage import CACHE_CONTROL, LocalStorage, S3Storage, storage_from_config
from tests.factories import make_product, make_shop
from tests.photos.images import png

BUCKET = "comptoir-photos"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="fr-par")
    bucket = f"{BUCKET}-{socket.gethostname().lower()[:8]}-{_free_port()}"
    client.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "fr-par"})
    return client, bucket


def test_local_storage_writes_once_and_reads_back(tmp_path):
    store = LocalStorage(tmp_path)

    store.put("ab" * 16 + "-160.webp", b"first")
    store.put("ab" * 16 + "-160.webp", b"second")  # same name: same content, kept as is

    assert store.get("ab" * 16 + "-160.webp") == b"first"
    assert store.get("cd" * 16 + "-160.webp") is None
    assert store.public_url("ab" * 16 + "-160.webp") is None
    assert not [p for p in tmp_path.rglob(".part-*")]


def test_s3_storage_puts_objects_with_their_type_and_cache(s3, s3_endpoint):
    client, bucket = s3
    store = S3Storage(bucket, endpoint_url=s3_endpoint, region="fr-par", prefix="photos/")

    store.put("ef" * 16 + "-320.webp", b"RIFF....WEBP")

    head = client.head_object(Bucket=bucket, Key="photos/" + "ef" * 16 + "-320.webp")
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == CACHE_CONTROL
    assert store.get("ef" * 16 + "-320.webp") == b"RIFF....WEBP"
    assert store.get("00" * 16 + "-320.webp") is None


def test_settings_choose_the_store(s3_endpoint, tmp_path):
    local = storage_from_config({"PHOTOS_STORAGE": "local"}, str(tmp_path))
    remote = storage_from_config({"PHOTOS_STORAGE": "s3", "PHOTOS_S3_BUCKET": "b",
                                  "PHOTOS_S3_ENDPOINT_URL": s3_endpoint,
                                  "PHOTOS_PUBLIC_URL": "https://cdn.example.fr/media/"},
                                 str(tmp_path))

    assert isinstance(local, LocalStorage) and local.root == tmp_path / "media"
    assert isinstance(remote, S3Storage)
    assert remote.public_url("x.webp") == "https://cdn.example.fr/media/x.webp"
    for wrong in ({"PHOTOS_STORAGE": "s3"}, {"PHOTOS_STORAGE": "ftp"}):
        with pytest.raises(RuntimeError, match="COMPTOIR_PHOTOS_"):
            storage_from_config(wrong, str(tmp_path))


def test_a_photo_in_the_bucket_is_served_by_the_app_without_a_public_url(
        app, client, s3, s3_endpoint):
    _, bucket = s3
    app.extensions["comptoir.photos"] = S3Storage(bucket, endpoint_url=s3_endpoint,
                                                  region="fr-par")
    shop = make_shop()
    product = make_product(shop)

    set_product_photo(shop.id, product.id, png(400, 300), app.extensions["comptoir.photos"])
    with app.test_request_context():
        urls = photo_json(product.photo)["urls"]
    response = client.get(urls["320"])

    assert urls["320"].startswith("http://localhost/photos/")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WEBP"


def test_with_a_public_url_pages_point_to_the_bucket_and_the_csp_allows_it(
        database_uri, clock, s3, s3_endpoint):
    from tests.conftest import app_on
    _, bucket = s3
    with app_on(database_uri, clock, PHOTOS_PUBLIC_URL=f"{s3_endpoint}/{bucket}") as app:
        store = S3Storage(bucket, endpoint_url=s3_endpoint, region="fr-par",
                          public_url=f"{s3_endpoint}/{bucket}")
        app.extensions["comptoir.photos"] = store
        shop = make_shop()
        set_shop_logo(shop.id, png(300, 300), store)

        response = app.test_client().get(f"/boutiques/{shop.slug}")

    html = response.get_data(as_text=True)
    assert f'src="{s3_endpoint}/{bucket}/' in html
    assert f"img-src 'self' data: {s3_endpoint}" in response.headers["Content-Security-Policy"]
