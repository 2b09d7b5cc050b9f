"""The manager's SMS page at /gestion/sms: the month-by-month figures, equal to what the
outbox holds, and the promotional campaign (preview, then scheduled, never twice)."""
import re
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import PROMOTIONAL, SmsMessage
from app.orders.models import Customer
from app.shops.models import Shop
from tests.factories import make_manager, make_merchant, make_shop
from tests.web.merchant_helpers import log_in, page, submit, text

PARIS = ZoneInfo("Europe/Paris")
STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed", "withdrawn")


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def shown_figures(html: str) -> dict:
    """(YYYY-MM, sender) -> (sent, segments, delivered, not told, rate) as the page reads."""
    figures = {}
    for month, body in re.findall(r'data-testid="sms-month" data-month="([0-9-]+)">(.*?)'
                                  r'</section>', html, re.S):
        for row in re.findall(r'<tr data-testid="sms-row"[^>]*>(.*?)</tr>', body, re.S):
            cells = [words(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            figures[(month, cells[0])] = tuple(cells[1:])
    return figures


def database_sums() -> dict:
    """The same figures, summed from every row of the outbox, month in Paris time."""
    names = dict(db.session.execute(sa.select(Shop.id, Shop.name)).all())
    sums = defaultdict(lambda: [0, 0, 0, 0])
    for m in db.session.scalars(sa.select(SmsMessage)):
        if m.status not in ("sent", "delivered", "undelivered", "failed"):
            continue
        month = (m.sent_at or m.created_at).astimezone(PARIS).strftime("%Y-%m")
        for sender in (names.get(m.shop_id, "Association"), "Total"):
            row = sums[(month, sender)]
            row[0] += 1
            row[1] += m.segments
            row[2] += m.status == "delivered"
            row[3] += m.status in ("failed", "undelivered")
    return {key: (str(sent), str(segments), str(delivered), str(untold),
                  f"{100 * untold / sent:.1f} %".replace(".", ","))
            for key, (sent, segments, delivered, untold) in sums.items()}


@pytest.fixture
def manager(client):
    make_manager()
    log_in(client, "manager@example.fr")


def test_the_page_shows_the_figures_the_outbox_holds(app, client, clock, manager):
    shops = [make_shop("boulangerie", "Boulangerie Martin"),
             make_shop("boucherie", "Boucherie Roux"), None]
    clock.now = datetime(2026, 12, 15, 12, 0, tzinfo=timezone.utc)
    # Every 7 hours 13 minutes back over four months, in every status, by every sender:
    # many messages fall near midnight UTC on the first of a month.
    at = clock.now
    for i in range(400):
        at -= timedelta(hours=7, minutes=13)
        status = STATUSES[i % len(STATUSES)]
        sent = status not in ("queued", "sending", "withdrawn") and i % 5 != 0
        shop = shops[i % 3]
        db.session.add(SmsMessage(
            to="+33612345678", body="x", kind="ready", shop_id=shop.id if shop else None,
            segments=1 + i % 2, status=status, send_after=at, created_at=at,
            sent_at=at + timedelta(minutes=1) if sent else None,
            dedupe_key=uuid.uuid4().hex))
    db.session.commit()

    html = page(client, "/gestion/sms")

    expected = database_sums()
    assert shown_figures(html) == expected
    assert {month for month, _ in expected} == {"2026-08", "2026-09", "2026-10", "2026-11",
                                                "2026-12"}
    assert "Décembre 2026" in html and "Association" in html


def test_without_any_sms_the_page_says_so(app, client, manager):
    html = page(client, "/gestion/sms")

    assert "Aucun SMS envoyé ces douze derniers mois." in html
    assert 'href="/gestion/sms"' in html  # in the manager's navigation


@pytest.fixture
def consenting(app):
    for phone, language in (("+33611111111", "fr"), ("+33622222222", "en")):
        db.session.add(Customer(phone=phone, name="Client", language=language,
                                promo_consent_at=datetime(2026, 10, 1, tzinfo=timezone.utc)))
    db.session.add(Customer(phone="+33633333333", name="Sans accord", language="fr"))
    db.session.commit()


def campaign(client, text_, action):
    return submit(client, "/gestion/sms", "/gestion/sms/campagne",
                  {"text": text_, "action": action}, follow_redirects=True)


def promos() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage)
                             .where(SmsMessage.kind == PROMOTIONAL))


def test_a_campaign_is_previewed_then_scheduled_once(app, client, clock, manager, consenting):
    clock.now = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)  # a Sunday
    message = "Marché de Noël samedi : 10 % chez tous les commerçants !"
    assert "2 destinataires" in words(page(client, "/gestion/sms"))

    preview = campaign(client, message, "preview")

    shown = words(text(preview))
    assert preview.status_code == 200 and promos() == 0
    assert "1 SMS par destinataire · 2 destinataires · envoi lundi 30 novembre à 08:00" in shown
    assert ("Marché de Noel samedi : 10 % chez tous les commercants ! STOP : repondez STOP"
            in shown)
    assert 'data-testid="campaign-send"' in preview.get_data(as_text=True)

    sent = campaign(client, message, "send")

    assert "2 SMS programmés pour lundi 30 novembre à 08:00." in text(sent)
    assert promos() == 2
    again = campaign(client, message, "send")
    assert "Cette campagne est déjà programmée : aucun SMS en double." in text(again)
    assert promos() == 2


def test_a_campaign_too_long_is_refused_next_to_the_field(app, client, manager, consenting):
    response = campaign(client, "Grande braderie du centre-ville ! " * 9, "preview")

    assert response.status_code == 422
    assert re.search(r'id="text-error">Trop long : 3 SMS par destinataire', text(response))
    assert 'data-testid="campaign-send"' not in response.get_data(as_text=True)
    assert promos() == 0


def test_a_merchant_cannot_open_the_sms_page(app, client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")

    assert client.get("/gestion/sms").status_code == 403
