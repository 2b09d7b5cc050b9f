"""The document and the code agree, operation by operation: each is sent, one change at a
time, values just inside and just outside every limit the document writes (lengths,
ranges, patterns, enums, required fields, types, empty and blank text, a NUL byte).

For every answer: never a 500; a status the document lists for the operation, with a body
matching its schema (the checking client, tests/openapi_check.py); a value the document
excludes is refused (4xx), and a refusal of one field names it in `field`; a value the
document allows is not refused as invalid on that field, unless the field is one whose
meaning the code checks beyond the schema (SEMANTIC below: a slot must be one the shop
offers, a line one of the order...).
"""
import io
import json
from datetime import date
from dataclasses import dataclass, field as dataclass_field
from functools import cached_property
from urllib.parse import urlencode

import pytest
from flask import current_app
from twilio.request_validator import RequestValidator

from app.api.docs import document
from app.shops.services import plan_closure
from tests.api.conftest import bearer
from tests.conftest import Clock
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import make_manager
from tests.factories import (PASSWORD, checkout_payload, first_slot, make_merchant,
                             make_product, make_shop, place_order)
from tests.openapi_check import OpenAPIChecker, validating_client
from tests.photos.images import png

INSIDE, OUTSIDE, TEXT = "inside", "outside", "text"  # what the document says of a value
REMOVE = object()  # a case that leaves the field out

# Fields whose documented-valid values the code may still refuse, on what they mean.
SEMANTIC = {
    "POST /checkouts": {"customer.phone"},  # a number that can receive SMS
    "POST /merchant/orders/{id}/confirm": {"lines[0].id", "lines[0].quantity"},  # the order's
    "POST /merchant/orders/{id}/collect": {"pickup_code"},  # the order's code
    "POST /merchant/orders/{id}/slot": {"slot"},  # one the shop offers
    "POST /merchant/orders/{id}/refunds": {"lines[0].id", "lines[0].quantity",  # the order's
                                           "amount_cents"},  # not with lines
    "PATCH /merchant/products/{id}": {"promo_price_cents",  # below the price
                                      "expected_on_hand"},  # with on_hand
    "POST /manager/shops": {"siret", "iban"},  # check digits
    "POST /merchant/products": {"ean"},  # check digit
    "POST /manager/shops/{slug}/invitation": {"email"},  # an address no account has
    "GET /manager/figures": {"from", "to"},  # to not before from, at most MAX_DAYS apart
    "POST /courier/rounds/{token}/stops/{id}/deliver": {"code"},  # the shopper's code
    "POST /courier/rounds/{token}/stops/{id}/fail": {"note"},  # required with reason other
    "GET /delivery/windows": {"address", "shops",  # an address found, shops that exist
                              "basket_cents"},  # not below the zone's minimum
}
# A refusal may name the part of the field at fault: a voucher's code. Twilio's status
# callback names MessageSid for either of its two fields (tests/notify relies on it).
FIELD_NAMES = {"vouchers[0]": {"vouchers[0]", "vouchers[0].code"},
               "MessageStatus": {"MessageStatus", "MessageSid"}}
# Values for the formats and patterns of the document; the document says which are inside.
INSTANTS = ["1999-12-31T23:00:00+01:00", "2100-01-01T00:00:00+01:00",
            "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "demain"]
DAYS = ["2000-01-01", "2099-12-31", "1999-12-31", "2100-01-01", "2026-02-30", "2026-13-01",
        "26-11-24", "0001-01-01", "9999-12-31"]
CODES = ["abcd efgh-jkmn pqrs", "ABCDEFGHJKMNPQRS", "ABCD", "ABCD-EFGH-JKLM-NPQ0",
         "ABCD-EFGH-JKLM-NPQRS"]
CHECKER = OpenAPIChecker(document())
TWILIO_TOKEN = "jeton-twilio-de-test"
OPERATIONS = sorted((method, path) for path, item in document()["paths"].items()
                    for method in item)


@dataclass
class Request:
    path: dict = dataclass_field(default_factory=dict)
    query: dict = dataclass_field(default_factory=dict)
    headers: dict = dataclass_field(default_factory=dict)
    body: object = None  # JSON; None: no body
    form: dict | None = None
    files: dict | None = None  # multipart: name -> (content bytes, filename)


@dataclass
class Case:
    label: str
    request: Request
    expect: str
    field: str | None  # the field changed, as the API names it in errors
    raw_body: str | None = None  # sent as is (not JSON, lone surrogates)


class Town:
    """One bakery, its merchant, and orders in the states the operations need, each made
    only when an operation asks for it (a test makes what its one operation needs)."""

    def __init__(self, clock, payments):
        self.now, self.payments = clock.now, payments
        self.shop = make_shop()
        self.bread = make_product(self.shop, stock=1000)
        self.merchant = make_merchant(self.shop)
        self.auth = bearer(self.merchant)

    @cached_property
    def placed(self):
        return place_order({self.shop: [(self.bread, 2)]}, self.now, self.payments).orders[0]

    @cached_property
    def round_basket(self):
        from tests.delivery.courier_helpers import delivered_basket, ready_all
        basket = delivered_basket(Clock(self.now), self.payments, shops=[self.shop])
        ready_all(basket, Clock(self.now), self.payments)
        return basket

    @cached_property
    def round(self):
        """A planned round: the bakery's basket, ready, with its pickup and its door."""
        from tests.delivery.courier_helpers import plan
        return plan(self.round_basket, Clock(self.now))

    @property
    def round_code(self) -> str:
        """The basket's pickup code, which the shopper gives at the door."""
        return self.round_basket.checkout.orders[0].pickup_code

    def on_stop(self, kind: str, **request) -> Request:
        stop = next(s for s in self.round.stops if s.kind == kind)
        return Request(path={"token": self.round.token, "id": stop.id}, **request)

    @cached_property
    def held(self):
        return place_order({self.shop: [(self.bread, 1)]}, self.now, self.payments, pay=False)

    @cached_property
    def collected(self):
        order = place_order({self.shop: [(self.bread, 3)]}, self.now,
                            self.payments).orders[0]
        client = validating_client(current_app)
        for step in ("confirm", "ready", "collect"):
            assert client.post(f"/api/v1/merchant/orders/{order.id}/{step}",
                               json={"lines": []}, headers=self.auth).status_code == 200
        return order

    def delivery_town(self, request: "Request") -> "Request":
        town_zone(), evening_window()
        return request

    def token(self, order) -> dict:
        return {"X-Tracking-Token": order.tracking_token}

    def on_placed(self, **request) -> Request:
        return Request(path={"id": self.placed.id}, headers=self.auth, **request)


BASE_REQUESTS = {  # one valid request per operation
    "GET /shops": lambda t: Request(),
    "GET /shops/{slug}": lambda t: Request(path={"slug": t.shop.slug}),
    "GET /shops/{slug}/slots": lambda t: Request(path={"slug": t.shop.slug},
                                                 query={"date": "2026-11-25"}),
    "GET /products": lambda t: Request(query={"q": "baguette", "shop": t.shop.slug,
                                              "page": "1"}),
    "POST /checkouts": lambda t: Request(
        body=checkout_payload({t.shop: [(t.bread, 1)]}, t.now),
        headers={"Idempotency-Key": "essai-1"}),
    "GET /checkouts/{id}": lambda t: Request(path={"id": t.held.id},
                                             headers=t.token(t.held.orders[0])),
    "POST /checkouts/{id}/payment": lambda t: Request(path={"id": t.held.id},
                                                      headers=t.token(t.held.orders[0])),
    "POST /checkouts/{id}/pay": lambda t: Request(path={"id": t.held.id},
                                                  body={"payment_method": "test_ok"}),
    "GET /orders/{id}": lambda t: Request(path={"id": t.placed.id},
                                          headers=t.token(t.placed)),
    "POST /orders/{id}/cancel": lambda t: Request(path={"id": t.placed.id},
                                                  headers=t.token(t.placed)),
    "GET /vouchers/{code}": lambda t: Request(path={"code": "ABCD-EFGH-JKLM-NPQR"}),
    "POST /auth/token": lambda t: Request(body={"email": t.merchant.email,
                                                "password": PASSWORD}),
    "GET /merchant/orders": lambda t: Request(query={"status": "placed",
                                                     "date": "2026-11-24"}, headers=t.auth),
    "GET /merchant/orders/state": lambda t: Request(query={"date": "2026-11-24"},
                                                    headers=t.auth),
    "POST /merchant/orders/{id}/confirm": lambda t: t.on_placed(
        body={"lines": [{"id": t.placed.lines[0].id, "quantity": 1}]}),
    "POST /merchant/orders/{id}/ready": lambda t: t.on_placed(),
    "POST /merchant/orders/{id}/collect": lambda t: t.on_placed(
        body={"pickup_code": t.placed.pickup_code}),
    "POST /merchant/orders/{id}/cancel": lambda t: t.on_placed(
        body={"reason": "Four en panne"}),
    "POST /merchant/orders/{id}/slot": lambda t: t.on_placed(
        body={"slot": first_slot(t.shop, t.now)}),
    "POST /merchant/orders/{id}/messages": lambda t: t.on_placed(body={"text": "Bonjour"}),
    "GET /merchant/orders/{id}/messages": lambda t: t.on_placed(),
    "POST /merchant/orders/{id}/refunds": lambda t: Request(
        path={"id": t.collected.id}, headers=t.auth,
        body={"reason": "Abîmée", "lines": [{"id": t.collected.lines[0].id, "quantity": 1}]}),
    "GET /merchant/products": lambda t: Request(headers=t.auth),
    "PATCH /merchant/products/{id}": lambda t: Request(path={"id": t.bread.id},
                                                       headers=t.auth,
                                                       body={"price_cents": 140}),
    "GET /merchant/shop/hours": lambda t: Request(headers=t.auth),
    "PUT /merchant/shop/hours": lambda t: Request(headers=t.auth, body={
        day: [{"opens": "09:00", "closes": "12:30"}, {"opens": "14:00", "closes": "19:00"}]
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday")}),
    "GET /merchant/shop/closures": lambda t: Request(headers=t.auth),
    "POST /merchant/shop/closures": lambda t: Request(headers=t.auth, body={
        "start_date": "2026-12-24", "end_date": "2026-12-26", "reason": "Noël"}),
    "DELETE /merchant/shop/closures/{id}": lambda t: Request(headers=t.auth, path={
        "id": plan_closure(t.shop.id, date(2026, 12, 24), date(2026, 12, 24), "",
                           today=date(2026, 11, 24)).id}),
    "PATCH /merchant/shop/pickup": lambda t: Request(headers=t.auth,
                                                     body={"seats_per_slot": 6}),
    "GET /manager/figures": lambda t: Request(query={"from": "2026-11-18", "to": "2026-11-24"},
                                              headers=bearer(make_manager())),
    "POST /webhooks/stripe": lambda t: Request(body={}),
    "POST /webhooks/twilio/status": lambda t: Request(
        form={"MessageSid": "SM1", "MessageStatus": "delivered"}),
    "POST /webhooks/twilio/inbound": lambda t: Request(
        form={"From": "+33612345678", "Body": "STOP"}),
    "GET /openapi.json": lambda t: Request(),
    "GET /delivery/addresses": lambda t: Request(query={"q": "12 rue des Tables"}),
    "GET /delivery/windows": lambda t: t.delivery_town(Request(query={
        "address": TABLES.label, "shops": t.shop.slug, "basket_cents": "2500"})),
    "POST /merchant/products": lambda t: Request(headers=t.auth, body={
        "name": "Fougasse aux olives", "price_cents": 320, "stock": 4, "sku": "PAIN-9",
        "ean": "3017620422003", "category": "Pains"}),
    "POST /merchant/products/{id}/archive": lambda t: Request(
        path={"id": t.bread.id}, headers=t.auth),
    "POST /merchant/products/import": lambda t: Request(
        headers=t.auth, query={"dry_run": "true"}, files={"file": (
            "name;price;stock;sku\nPâté en croûte;4,50;3;TRAI-1\n".encode("cp1252"),
            "catalogue.csv")}),
    "GET /manager/shops": lambda t: Request(headers=bearer(make_manager())),
    "POST /manager/shops": lambda t: Request(headers=bearer(make_manager()), body={
        "slug": "fromagerie", "name": "Fromagerie Lenoir", "siret": "73282932000074"}),
    "POST /manager/shops/{slug}/invitation": lambda t: Request(
        path={"slug": t.shop.slug}, headers=bearer(make_manager()),
        body={"email": "claire@example.fr"}),
    "POST /manager/shops/{slug}/publish": lambda t: Request(
        path={"slug": t.shop.slug}, headers=bearer(make_manager())),
    "POST /manager/shops/{slug}/unpublish": lambda t: Request(
        path={"slug": t.shop.slug}, headers=bearer(make_manager())),
    "PUT /merchant/products/{id}/photo": lambda t: Request(
        path={"id": t.bread.id}, headers=t.auth, files={"photo": (png(64, 48), "pain.png")}),
    "DELETE /merchant/products/{id}/photo": lambda t: Request(
        path={"id": t.bread.id}, headers=t.auth),
    "GET /courier/rounds/{token}": lambda t: Request(path={"token": t.round.token}),
    "POST /courier/rounds/{token}/stops/{id}/pickup": lambda t: t.on_stop("pickup"),
    "POST /courier/rounds/{token}/stops/{id}/deliver": lambda t: t.on_stop(
        "delivery", body={"code": t.round_code}),
    "POST /courier/rounds/{token}/stops/{id}/fail": lambda t: t.on_stop(
        "delivery", body={"reason": "other", "note": "Portail fermé"}),
}


# --- values from the document's schemas -------------------------------------------------

def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def verdict(schema: dict, value) -> str:
    """What the document says of a value: inside or outside its schema."""
    return OUTSIDE if CHECKER.errors(schema, value) else INSIDE


def json_values(schema: dict, base) -> list[tuple[str, object, str]]:
    """(label, value, what the document says of it) for one JSON value: values near the
    schema's limits and of other types; the schema itself says which are inside."""
    schema = resolve(schema)
    kind = schema.get("type")
    candidates = [("null", None)]
    candidates += [(repr(choice), choice) for choice in schema.get("enum", ())]
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None:
            candidates += [("the minimum", low), ("below the minimum", low - 1)]
        if high is not None:
            candidates += [("the maximum", high), ("above the maximum", high + 1)]
        candidates += [("huge", 10**30), ("a string", "1"), ("a fraction", 1.5),
                       ("a boolean", True)]
    elif kind == "string":
        candidates += [("a number", 12), ("empty", ""), ("blank", "   "),
                       ("not one of the enum", "pas-ça")]
        most = schema.get("maxLength")
        if most is not None:
            candidates += [("at maxLength", "é" * most), ("over maxLength", "a" * (most + 1))]
        if schema.get("format") == "date-time":
            candidates += [(f"instant {v}", v) for v in INSTANTS]
        if schema.get("format") == "email":
            candidates += [("no @", "claire.example.fr"), ("an address", "c@d.fr")]
    elif kind == "boolean":
        candidates += [("true", True), ("false", False), ("a string", "true"), ("a number", 1)]
    elif kind == "array":
        candidates += [("an object", {}), ("empty list", [])]
        if schema.get("maxItems") and isinstance(base, list) and base:
            candidates.append(("over maxItems", [base[0]] * (schema["maxItems"] + 1)))
    elif kind == "object":
        candidates += [("a list", []), ("a string", "x")]
    values = [(label, value, verdict(schema, value)) for label, value in candidates]
    if kind == "string":  # refused by rule whatever the schema says
        values.append(("a NUL byte", "a\x00b", TEXT))
    return values


def body_cases(schema: dict, base, path: str = "") -> list[Case]:
    """One change at a time, anywhere in the body."""
    schema = resolve(schema)
    cases = []
    if schema.get("type") == "object" and isinstance(base, dict):
        required = set(schema.get("required", ()))
        for name, sub in schema.get("properties", {}).items():
            at = f"{path}.{name}" if path else name
            if name in base and name in required:
                cases.append(Case(f"{at} left out", REMOVE, OUTSIDE, at))
            for label, value, expect in json_values(sub, base.get(name)):
                cases.append(Case(f"{at} {label}", value, expect, at))
            if name in base:
                cases += body_cases(sub, base[name], at)
    elif schema.get("type") == "array" and isinstance(base, list) and base:
        cases += body_cases(schema["items"], base[0], f"{path}[0]")
    return cases


def with_change(base, field: str, value):
    """A deep copy of `base` with `field` (a.b[0].c) set to value, or removed."""
    changed = json.loads(json.dumps(base))
    parts = [int(p) if p.isdigit() else p
             for p in field.replace("[", ".").replace("]", "").split(".")]
    target = changed
    for part in parts[:-1]:
        target = target[part]
    if value is REMOVE:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return changed


def parameter_values(parameter: dict) -> list[tuple[str, str, str]]:
    """(label, value as sent, what the document says of it) for a path, query or header."""
    schema = resolve(parameter["schema"])
    kind, where = schema.get("type"), parameter["in"]
    candidates = [("empty", ""), ("letters", "abc"), ("a fraction", "1.5")]
    candidates += [(repr(choice), choice) for choice in schema.get("enum", ())]
    if "enum" in schema:
        candidates.append(("not one of the enum", "pas-ça"))
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None:
            candidates += [("the minimum", str(low)), ("below", str(low - 1))]
        if high is not None:
            candidates += [("the maximum", str(high)), ("above", str(high + 1))]
        candidates.append(("huge", str(10**30)))
    if schema.get("format") == "date":
        candidates += [(day, day) for day in DAYS]
    if parameter["name"] == "code":
        candidates += [(code, code) for code in CODES]
    if kind == "string" and schema.get("maxLength"):
        candidates += [("at maxLength", "a" * schema["maxLength"]),
                       ("over maxLength", "a" * (schema["maxLength"] + 1))]
    if where == "header":
        candidates.append(("blank", "  "))
    values = []
    for label, raw in candidates:
        if raw == "" and parameter.get("allowEmptyValue"):
            values.append((label, raw, INSIDE))
        elif raw == "" and where == "path":
            continue  # another address altogether
        else:
            typed = int(raw) if kind == "integer" and raw.lstrip("-").isdigit() else raw
            values.append((label, raw, verdict(schema, typed)))
    if where in ("path", "query"):
        values.append(("a NUL byte", "a\x00b", TEXT))
    return values


def form_cases(schema: dict, base: Request) -> list[Case]:
    """A posted form's fields: left out, empty, at and over their limits."""
    cases = []
    for name, sub in schema.get("properties", {}).items():
        changes = [("left out", REMOVE, OUTSIDE if name in schema.get("required", ())
                    else INSIDE)]
        for label, raw in [("empty", ""), ("letters", "abc"), ("digits", "12"),
                           ("at maxLength", "a" * sub.get("maxLength", 10)),
                           ("over maxLength", "a" * (sub.get("maxLength", 10) + 1))]:
            changes.append((label, raw, verdict(sub, raw)))
        for label, raw, expect in changes:
            form = {k: v for k, v in base.form.items() if k != name}
            if raw is not REMOVE:
                form[name] = raw
            cases.append(Case(f"form {name} {label}", Request(base.path, base.query,
                                                               base.headers, None, form),
                              expect, name))
    return cases


def cases_for(operation: dict, base: Request) -> list[Case]:
    cases = [Case("as is", base, INSIDE, None)]
    for parameter in operation.get("parameters", ()):
        name, where = parameter["name"], parameter["in"]
        if where == "header" and not resolve(parameter["schema"]).get("maxLength"):
            continue  # tokens and signatures: any other value is a 404 or a 403
        for label, value, expect in parameter_values(parameter):
            changed = Request(path=dict(base.path), query=dict(base.query),
                              headers=dict(base.headers), body=base.body, form=base.form,
                              files=base.files)
            {"path": changed.path, "query": changed.query,
             "header": changed.headers}[where][name] = value
            cases.append(Case(f"{where} {name} {label}", changed, expect, name))
    body = operation.get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None and base.body is not None:
        if body.get("required"):
            cases += [Case("body not JSON", base, OUTSIDE, None, raw_body="pas du JSON"),
                      Case("body a JSON list", base, OUTSIDE, None, raw_body="[]")]
        cases.append(Case("body with a lone surrogate", base, TEXT, None,
                          raw_body='{"x": "\\ud800"}'))
        for case in body_cases(schema, base.body):
            changed = Request(path=base.path, query=base.query, headers=base.headers,
                              body=with_change(base.body, case.field, case.request))
            cases.append(Case(case.label, changed, case.expect, case.field))
    form_schema = body.get("content", {}).get("application/x-www-form-urlencoded",
                                               {}).get("schema")
    if form_schema is not None and base.form is not None:
        cases += form_cases(form_schema, base)
    if operation.get("security"):
        without = {k: v for k, v in base.headers.items() if k != "Authorization"}
        cases.append(Case("no bearer token", Request(base.path, base.query, without, base.body),
                          OUTSIDE, None))
    # What the document excludes first: a value it allows may change the state.
    return sorted(cases, key=lambda case: case.expect == INSIDE)


# --- sending and judging ----------------------------------------------------------------

def send(client, method: str, template: str, case: Case):
    request = case.request
    url = "/api/v1" + template
    for name, value in request.path.items():
        url = url.replace("{" + name + "}", str(value))
    kwargs = {"query_string": request.query, "headers": request.headers}
    if case.raw_body is not None:
        kwargs.update(data=case.raw_body, content_type="application/json")
    elif request.files is not None:
        kwargs["data"] = {name: (io.BytesIO(content), filename)
                          for name, (content, filename) in request.files.items()}
    elif request.form is not None:
        kwargs["data"] = request.form
        signed = current_app.config["PUBLIC_URL"] + url + (
            "?" + urlencode(request.query) if request.query else "")
        kwargs["headers"] = {**request.headers, "X-Twilio-Signature": RequestValidator(
            TWILIO_TOKEN).compute_signature(signed, request.form)}
    elif request.body is not None:
        kwargs["json"] = request.body
    return client.open(url, method=method.upper(), **kwargs)


def judge(operation_name: str, case: Case, response) -> str | None:
    """What is wrong with this answer beyond the document's own check, if anything."""
    status = response.status_code
    body = response.get_json(silent=True)
    error = body.get("error") or {} if isinstance(body, dict) else {}
    named = FIELD_NAMES.get(case.field, {case.field})
    if case.expect in (OUTSIDE, TEXT) and status < 400:
        return f"accepted ({status}) a value the document excludes"
    if case.expect == TEXT and error.get("code") == "invalid_text" and case.field \
            and error.get("field") not in named:
        return f"invalid_text names {error.get('field')!r}, not {case.field!r}"
    if case.expect == OUTSIDE and status in (400, 422) and case.field \
            and error.get("field") not in named and not case.label.endswith("left out"):
        return f"refused ({status} {error.get('code')}) naming {error.get('field')!r}, " \
               f"not {case.field!r}"
    if case.expect == INSIDE and status in (400, 422) and case.field \
            and error.get("field") in named \
            and case.field not in SEMANTIC.get(operation_name, ()):
        return f"refused ({status} {error.get('code')}: {error.get('message')}) a value the " \
               f"document allows"
    return None


@pytest.mark.parametrize("method, template", OPERATIONS,
                         ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_each_operation_answers_as_documented_at_its_limits(app, clock, payments, method,
                                                            template):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is an answer to report, as in production
    app.config["TWILIO_AUTH_TOKEN"] = TWILIO_TOKEN  # its webhooks' forms are checked too
    name = f"{method.upper()} {template}"
    assert name in BASE_REQUESTS, f"{name} is new: give it a valid request in BASE_REQUESTS"
    operation = document()["paths"][template][method]
    client = validating_client(app)

    cases = cases_for(operation, BASE_REQUESTS[name](Town(clock, payments)))
    problems = []
    for case in cases:
        try:
            response = send(client, method, template, case)
        except AssertionError as failure:  # not as documented: status or body
            problems.append(f"{case.label}: {failure}")
            continue
        problem = judge(name, case, response)
        if problem:
            problems.append(f"{case.label}: {problem}")

    assert not problems, f"{name}, {len(problems)} of {len(cases)} cases:\n" + "\n".join(
        problems)
