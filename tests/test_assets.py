"""Static files carry their content's hash and are cached for a year; pages are never
cached publicly; text goes gzipped to browsers that accept it."""
import gzip

from flask import render_template_string

from app.assets import content_hashes


def test_a_file_changed_gets_a_new_fingerprint(tmp_path):
    # Given a static folder; when a file's content changes
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: red }")
    before = content_hashes(tmp_path)["css/app.css"]
    (tmp_path / "css" / "app.css").write_text("body { color: blue }")
    # Then its fingerprint changes (8 hex digits), so browsers fetch the new one
    after = content_hashes(tmp_path)["css/app.css"]
    assert len(before) == 8 and before != after


def test_pages_link_the_fingerprinted_css_cached_for_a_year(client, app):
    # Given the home page
    page = client.get("/")
    version = app.extensions["comptoir.static_hashes"]["css/app.css"]
    css_url = f"/static/css/app.css?v={version}"
    # Then it links the CSS by its fingerprint, and is itself private and revalidated
    assert css_url in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-cache"
    # And the fingerprinted CSS may be kept for a year without asking again
    css = client.get(css_url)
    assert css.status_code == 200
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # But not under a stale fingerprint, which may hold other content
    assert "immutable" not in client.get("/static/css/app.css?v=00000000").headers.get(
        "Cache-Control", "")


def test_text_is_gzipped_only_for_browsers_that_accept_it(client, app):
    # Given the CSS asked for with and without Accept-Encoding: gzip
    plain = client.get("/static/css/app.css")
    zipped = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, br"})
    # Then the browser that accepts it gets the same bytes, smaller
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 2
    assert gzip.decompress(zipped.data) == plain.data


def test_a_field_in_error_names_its_error_for_screen_readers(app):
    # Given a form field sent back with an error
    from app.web.forms import SearchForm
    with app.test_request_context("/recherche?q=x"):
        form = SearchForm()
        form.q.errors = ["Trop long."]
        html = render_template_string(
            '{% from "_macros.html" import field, error_summary %}'
            '{{ error_summary(form) }}{{ field(form.q, hint="Un mot") }}', form=form)
    # Then the input is marked invalid and described by its hint and its error
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="q-hint q-error"' in html
    assert 'id="q-error"' in html
    # And a focusable alert at the top of the form links to the field
    assert 'role="alert" tabindex="-1"' in html and 'href="#q"' in html
