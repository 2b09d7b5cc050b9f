"""The manager's delivery page shows each round's secret link and sends it to the
courier's phone through the outbox, once."""
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from tests.delivery.courier_helpers import delivered_basket, plan
from tests.factories import make_manager
from tests.web.merchant_helpers import log_in, submit, text


def test_the_manager_reads_the_round_link_and_sends_it_to_the_courier(app, clock, payments,
                                                                     client):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    make_manager()
    log_in(client, "manager@example.fr")
    url = "/gestion/livraison?date=2026-11-24"

    for _ in range(2):  # a second press sends nothing more
        response = submit(client, url, f"/gestion/livraison/tournees/{round_.id}/envoyer",
                          {"date": "2026-11-24"}, follow_redirects=True)

    assert f'value="http://comptoir.test/tournee/{round_.token}"' in \
        response.get_data(as_text=True)
    assert "Lien déjà envoyé à ce livreur." in text(response)
    [sms] = db.session.scalars(sa.select(SmsMessage).where(SmsMessage.kind == "courier_link"))
    assert sms.to == "+33699887766"
    assert sms.body == f"Votre tournée du mar. 24/11 17:00-19:00 : " \
                      f"http://comptoir.test/tournee/{round_.token}"
