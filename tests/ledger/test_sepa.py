"""The month's payouts as a pain.001.001.03 file, and the shops' bank details."""
import xml.etree.ElementTree as ET

import pytest

from app.errors import Invalid
from app.extensions import db
from app.shops.models import Shop
from tests.factories import make_manager
from tests.ledger.helpers import ASSOCIATION_IBAN, BIC, OTHER_IBAN, SHOP_IBAN, bank
from tests.ledger.test_statements import november_town
from tests.web.merchant_helpers import log_in, page, submit, text

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def association(app):
    app.config.update(ASSOCIATION_NAME="Association des Commerçants du Puy",
                      ASSOCIATION_IBAN=ASSOCIATION_IBAN, ASSOCIATION_BIC="BNPAFRPP")


def parse(xml: bytes):
    root = ET.fromstring(xml)
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}Document"
    return root


def test_sepa_file_has_one_transfer_per_payable_shop_and_sums_that_add_up(
        app, runner, clock, payments, association, tmp_path):
    bakery, deli, _order = november_town(clock, payments)
    bank(bakery, holder="SARL Martin Frères")
    bank(deli, iban=OTHER_IBAN)
    out = tmp_path / "virements.xml"

    result = runner.invoke(args=["payouts", "sepa", "--period", "2026-11", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert "2 transfers, 28,76" in result.output
    root = parse(out.read_bytes())
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    transfers = block.findall("p:CdtTrfTxInf", NS)
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2" == block.findtext("p:NbOfTxs", namespaces=NS)
    assert header.findtext("p:CtrlSum", namespaces=NS) == "28.76" == block.findtext("p:CtrlSum", namespaces=NS)
    assert block.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    assert block.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=NS) == "SEPA"
    assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == ASSOCIATION_IBAN
    assert block.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "BNPAFRPP"
    assert block.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Association des Commercants du Puy"
    got = {t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS):
           (t.find("p:Amt/p:InstdAmt", NS).text, t.find("p:Amt/p:InstdAmt", NS).get("Ccy"),
            t.findtext("p:Cdtr/p:Nm", namespaces=NS)) for t in transfers}
    assert got == {SHOP_IBAN.replace(" ", ""): ("22.51", "EUR", "SARL Martin Freres"),
                   OTHER_IBAN.replace(" ", ""): ("6.25", "EUR", "Charcuterie Vidal")}
    assert sum(int(a.replace(".", "")) for a, _c, _n in got.values()) == 2876
    assert len({t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers}) == 2


def test_shops_without_a_valid_iban_are_listed_not_dropped(
        app, runner, clock, payments, association, tmp_path):
    bakery, deli, _order = november_town(clock, payments)
    bank(bakery)
    out = tmp_path / "v.xml"

    result = runner.invoke(args=["payouts", "sepa", "--period", "2026-11", "--out", str(out)])

    assert result.exit_code == 0
    assert "1 transfers, 22,51" in result.output
    assert "NOT PAYABLE charcuterie: 6,25\u00a0€ (pas d'IBAN)" in result.output
    assert len(parse(out.read_bytes()).findall(".//p:CdtTrfTxInf", NS)) == 1


def test_without_the_associations_account_no_file_is_written(app, runner, clock, payments,
                                                             tmp_path):
    bakery, deli, _order = november_town(clock, payments)
    bank(bakery)
    app.config.update(ASSOCIATION_NAME="Asso", ASSOCIATION_IBAN="FR00 1234",
                      ASSOCIATION_BIC="BNPAFRPP")
    out = tmp_path / "v.xml"

    result = runner.invoke(args=["payouts", "sepa", "--period", "2026-11", "--out", str(out)])

    assert result.exit_code == 1 and "[COMPTOIR_ASSOCIATION_IBAN]" in result.output
    assert not out.exists()


def test_the_manager_downloads_the_file(app, client, clock, payments, association):
    bakery, deli, _order = november_town(clock, payments)
    bank(bakery)
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/gestion/reversements/sepa.xml?period=2026-11")
    empty = client.get("/gestion/reversements/sepa.xml?period=2026-10", follow_redirects=True)

    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert parse(response.data).findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "22.51"
    assert "Aucun virement à faire pour 2026-10" in text(empty)


def test_an_invalid_iban_is_refused_with_the_field_named(app, runner, clock, payments):
    from app.ledger.services import set_bank_details
    bakery, deli, _order = november_town(clock, payments)

    with pytest.raises(Invalid) as refused:
        set_bank_details("boulangerie", iban="FR76 3000 6000 0112 3456 7890 188", bic=BIC,
                         account_holder="Martin")
    bad_bic = runner.invoke(args=["payouts", "bank", "--shop", "boulangerie", "--iban",
                                  SHOP_IBAN, "--bic", "AGRI", "--holder", "Martin"])

    assert (refused.value.field, refused.value.code) == ("iban", "invalid_iban")
    assert bad_bic.exit_code == 1 and "[bic]" in bad_bic.output
    db.session.expire_all()
    assert db.session.get(Shop, bakery.id).iban is None


def test_the_manager_sets_bank_details_and_a_bad_iban_shows_next_to_its_field(
        app, client, clock, payments):
    bakery, deli, _order = november_town(clock, payments)
    make_manager()
    log_in(client, "manager@example.fr")
    url = "/gestion/boutiques/boulangerie/banque"
    assert "pas d'IBAN" in text(client.get(url))

    bad = submit(client, url, url, {"iban": "FR7630006000011234567890188", "bic": "",
                                    "account_holder": "Martin", "commission_bps": "500"})
    good = submit(client, url, url, {"iban": "fr76 3000 6000 0112 3456 7890 189",
                                     "bic": "agrifrpp", "account_holder": "Martin",
                                     "commission_bps": "800"}, follow_redirects=True)

    assert bad.status_code == 422
    assert 'id="iban-error"' in bad.get_data(as_text=True) and "IBAN invalide" in text(bad)
    assert good.status_code == 200 and "enregistrées" in text(good)
    db.session.expire_all()
    shop = db.session.get(Shop, bakery.id)
    assert (shop.iban, shop.bic, shop.commission_bps) == (
        "FR7630006000011234567890189", "AGRIFRPP", 800)
    assert "pas d'IBAN" not in page(client, url)
