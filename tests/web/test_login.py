"""Staff sign in at /connexion and out at /deconnexion; each role lands on its own pages."""
from tests.factories import make_manager, make_merchant, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page, text

BAD_CREDENTIALS = "E-mail ou mot de passe incorrect."


def test_merchant_signs_in_and_lands_on_the_shop_queue(app, client):
    shop = make_shop(name="Boulangerie Martin")
    make_merchant(shop, email="martin@example.fr")

    response = log_in(client, "  Martin@Example.fr ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/marchand"
    assert "Boulangerie Martin" in page(client, "/marchand")


def test_manager_signs_in_and_lands_on_the_town_page(app, client):
    make_manager("mairie@example.fr")

    response = log_in(client, "mairie@example.fr")

    assert response.headers["Location"] == "/gestion"
    assert "Boutiques" in page(client, "/gestion")


def test_wrong_password_is_refused_next_to_the_password_field(app, client):
    make_merchant(make_shop(), email="martin@example.fr")

    response = log_in(client, "martin@example.fr", "not-the-password")

    assert response.status_code == 422
    assert f'<p class="error" id="password-error">{BAD_CREDENTIALS}</p>' in text(response)
    assert 'value="martin@example.fr"' in text(response)  # no retyping the e-mail
    assert client.get("/marchand").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_message_as_a_wrong_password(app, client):
    response = log_in(client, "nobody@example.fr")

    assert response.status_code == 422
    assert f'<p class="error" id="password-error">{BAD_CREDENTIALS}</p>' in text(response)


def test_empty_fields_are_named(app, client):
    response = log_in(client, "", "")

    assert '<p class="error" id="email-error">Indiquez votre adresse e-mail.</p>' in text(response)
    assert '<p class="error" id="password-error">Indiquez votre mot de passe.</p>' \
        in text(response)


def test_sign_out_ends_the_session(app, client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")
    token = csrf_token(page(client, "/marchand"))

    response = client.post("/deconnexion", data={"csrf_token": token}, follow_redirects=True)

    assert response.request.path == "/connexion"
    assert "Vous êtes déconnecté." in text(response)
    assert client.get("/marchand").headers["Location"].startswith("/connexion")


def test_sign_out_is_a_post(app, client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")

    assert client.get("/deconnexion").status_code == 405
    assert client.get("/marchand").status_code == 200


def test_sign_in_without_csrf_token_is_refused(app, client):
    make_merchant(make_shop())

    response = client.post("/connexion", data={"email": "boulangerie@example.fr",
                                               "password": "secret-pass-1"})

    assert response.status_code == 400
    assert "Formulaire expiré" in text(response)
    assert client.get("/marchand").status_code == 302


def test_signed_out_visitor_is_sent_to_sign_in_then_back(app, client):
    make_manager()

    response = client.get("/gestion")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=%2Fgestion"

    token = csrf_token(page(client, "/connexion?next=%2Fgestion"))
    response = client.post("/connexion?next=%2Fgestion",
                           data={"csrf_token": token, "email": "manager@example.fr",
                                 "password": "secret-pass-1"})
    assert response.headers["Location"] == "/gestion"


def test_next_pointing_to_another_site_is_ignored(app, client):
    make_merchant(make_shop())
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_token(page(client, "/connexion"))
        response = client.post(f"/connexion?next={target}",
                               data={"csrf_token": token, "email": "boulangerie@example.fr",
                                     "password": "secret-pass-1"})
        assert response.headers["Location"] == "/marchand"
        client.post("/deconnexion", data={"csrf_token": csrf_token(page(client, "/marchand"))})


def test_signed_in_staff_opening_sign_in_goes_to_their_pages(app, client):
    make_manager()
    log_in(client, "manager@example.fr")

    assert client.get("/connexion").headers["Location"] == "/gestion"


def test_a_background_request_from_before_sign_in_does_not_sign_the_merchant_out(app, client):
    # Given a merchant on the sign-in page: the browser holds an anonymous session cookie,
    # and the page's service worker fetches its script and the offline page with it
    make_merchant(make_shop(name="Boulangerie Martin"), email="martin@example.fr")
    client.get("/connexion")
    before_sign_in = client.get_cookie("session").value

    # When the merchant signs in while those requests are still on their way, and their
    # responses arrive after the sign-in's (the browser keeps whichever cookie came last)
    log_in(client, "martin@example.fr")
    for url in ("/sw.js", "/hors-ligne", "/manifest.webmanifest"):
        background = app.test_client()
        background.set_cookie("session", before_sign_in)
        response = background.get(url)
        assert response.status_code == 200, url
        for header in response.headers.getlist("Set-Cookie"):
            name, _eq, value = header.partition(";")[0].partition("=")
            client.set_cookie(name, value)

    # Then the merchant is still signed in
    assert "Boulangerie Martin" in page(client, "/marchand")
