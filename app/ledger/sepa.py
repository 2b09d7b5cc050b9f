"""The month's payouts as a SEPA credit-transfer file (ISO 20022 pain.001.001.03), the
format French banks accept for bulk transfers: one payment block debiting the
association's account, one transfer per shop with a positive net and sound bank details."""
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.errors import Invalid
from app.ledger.services import check_bic, check_iban
from app.ledger.statements import Statements
from app.timeutil import local

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
# The SEPA character set: Latin letters, digits and a few signs; accents are dropped.
SEPA_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


@dataclass
class Debtor:
    name: str
    iban: str
    bic: str


def debtor_from_config(config) -> Debtor:
    """The association's account, from COMPTOIR_ASSOCIATION_NAME / _IBAN / _BIC."""
    name = (config.get("ASSOCIATION_NAME") or "").strip()
    if not name:
        raise Invalid(_("Nom de l'association manquant (COMPTOIR_ASSOCIATION_NAME)."),
                      field="COMPTOIR_ASSOCIATION_NAME", code="required")
    return Debtor(name=name, iban=check_iban(config.get("ASSOCIATION_IBAN"),
                                             "COMPTOIR_ASSOCIATION_IBAN"),
                  bic=check_bic(config.get("ASSOCIATION_BIC"), "COMPTOIR_ASSOCIATION_BIC"))


def sepa_text(value: str, most: int) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c if c in SEPA_CHARS else " " for c in plain).strip()[:most] or "-"


def amount(cents: int) -> str:
    """Euros with two decimals, from integer cents (no float on the way)."""
    return f"{cents // 100}.{cents % 100:02d}"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def credit_transfer_xml(statements: Statements, debtor: Debtor, *, now: datetime,
                        execution_date: date | None = None) -> bytes:
    payable = statements.payable
    if not payable:
        raise Invalid(_("Aucun virement à faire pour %(period)s.", period=statements.period.label),
                      field="period", code="nothing_to_pay")
    created = local(now)
    message_id = f"COMPTOIR-{statements.period.label}-{created:%Y%m%d%H%M%S}"
    total = sum(s.net_cents for s in payable)
    count = str(len(payable))

    ET.register_namespace("", NAMESPACE)
    document = ET.Element(f"{{{NAMESPACE}}}Document")
    ns = lambda tag: f"{{{NAMESPACE}}}{tag}"  # noqa: E731
    root = _sub(document, ns("CstmrCdtTrfInitn"))
    header = _sub(root, ns("GrpHdr"))
    _sub(header, ns("MsgId"), message_id)
    _sub(header, ns("CreDtTm"), created.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, ns("NbOfTxs"), count)
    _sub(header, ns("CtrlSum"), amount(total))
    _sub(_sub(header, ns("InitgPty")), ns("Nm"), sepa_text(debtor.name, 70))

    block = _sub(root, ns("PmtInf"))
    _sub(block, ns("PmtInfId"), f"REVERSEMENTS-{statements.period.label}")
    _sub(block, ns("PmtMtd"), "TRF")
    _sub(block, ns("BtchBookg"), "true")
    _sub(block, ns("NbOfTxs"), count)
    _sub(block, ns("CtrlSum"), amount(total))
    _sub(_sub(_sub(block, ns("PmtTpInf")), ns("SvcLvl")), ns("Cd"), "SEPA")
    _sub(block, ns("ReqdExctnDt"), (execution_date or created.date()).isoformat())
    _sub(_sub(block, ns("Dbtr")), ns("Nm"), sepa_text(debtor.name, 70))
    _sub(_sub(_sub(block, ns("DbtrAcct")), ns("Id")), ns("IBAN"), debtor.iban)
    _sub(_sub(_sub(block, ns("DbtrAgt")), ns("FinInstnId")), ns("BIC"), debtor.bic)
    _sub(block, ns("ChrgBr"), "SLEV")

    for statement in payable:
        shop = statement.shop
        transfer = _sub(block, ns("CdtTrfTxInf"))
        _sub(_sub(transfer, ns("PmtId")), ns("EndToEndId"),
             f"CPT-{statements.period.label}-{shop.id}")
        _sub(_sub(transfer, ns("Amt")), ns("InstdAmt"), amount(statement.net_cents), Ccy="EUR")
        if shop.bic:
            _sub(_sub(_sub(transfer, ns("CdtrAgt")), ns("FinInstnId")), ns("BIC"), shop.bic)
        _sub(_sub(transfer, ns("Cdtr")), ns("Nm"), sepa_text(shop.account_holder or shop.name, 70))
        _sub(_sub(_sub(transfer, ns("CdtrAcct")), ns("Id")), ns("IBAN"), check_iban(shop.iban))
        _sub(_sub(transfer, ns("RmtInf")), ns("Ustrd"),
             sepa_text(f"Comptoir reversement {statements.period.label} {shop.name}", 140))
    ET.indent(document)
    return ET.tostring(document, encoding="UTF-8", xml_declaration=True)
