"""The embeddable catalogue (/integrer/<shop>): only it may be framed, by the sites
COMPTOIR_EMBED_ANCESTORS names; it needs and sets no cookie; its buttons open the product
on the marketplace."""
import app.merchant.catalogue  # noqa: F401  the product card's price helper
from tests.web.helpers import shopper_town, text


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_only_the_embed_may_be_framed(app, client):
    shopper_town()
    app.config["EMBED_ANCESTORS"] = "https://boulangerie-martin.fr https://commerces-lepuy.fr"

    embed = client.get("/integrer/boulangerie")
    shop = client.get("/boutiques/boulangerie")

    assert embed.status_code == 200
    assert _directives(embed)["frame-ancestors"] == \
        "https://boulangerie-martin.fr https://commerces-lepuy.fr"
    assert "X-Frame-Options" not in embed.headers
    # Everything else of the policy stays as strict as on any page.
    assert {k: v for k, v in _directives(embed).items() if k != "frame-ancestors"} == \
        {k: v for k, v in _directives(shop).items() if k != "frame-ancestors"}
    assert _directives(shop)["frame-ancestors"] == "'none'"
    assert shop.headers["X-Frame-Options"] == "DENY"


def test_the_embed_sets_no_cookie_and_orders_on_the_marketplace(client):
    town = shopper_town()

    response = client.get("/integrer/boulangerie", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)

    assert "Set-Cookie" not in response.headers
    assert "<form" not in html
    assert "€1.30" in text(html)  # in the reader's language
    assert (f'href="http://comptoir.test/boutiques/boulangerie/{town.bread.id}-baguette-tradition'
            f'?lang=en" target="_blank" rel="noopener"') in html
    assert client.get("/integrer/inconnue").status_code == 404
