"""Holding the API to its OpenAPI document: every answer under /api/v1 must be one the
document describes (the operation's status, its media type, its body's schema).

`ValidatingClient` is a Flask test client that checks each answer as it comes back and fails
the test with what differs; tests/api's `client` is one. Elsewhere, opt in with
`validating_client(app)` or `app.test_client_class = ValidatingClient`.

Answers outside any operation are held to the routing rules the document states in its
description: an address it does not describe (or a path parameter outside its schema, such
as /orders/abc) is a 404, a method it does not list for a path a 405 with Allow, both in the
error shape.
"""
import json
import re
from functools import cached_property

from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker

API_PREFIX = "/api/v1"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_SHOWN = 600  # characters of a body quoted in a failure


class Operation:
    def __init__(self, checker: "OpenAPIChecker", template: str, method: str, spec: dict,
                 path_item: dict):
        self.checker, self.template, self.method, self.spec = checker, template, method, spec
        self.parameters = [*path_item.get("parameters", ()), *spec.get("parameters", ())]
        self.values_outside = False  # a path value outside its schema (/orders/abc)

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.template}"

    def response_spec(self, status: int) -> dict | None:
        responses = self.spec["responses"]
        return (responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
                or responses.get("default"))


class OpenAPIChecker:
    """The document's operations, and the check of one answer against them."""

    def __init__(self, document: dict):
        self.document = document
        self._validators: dict[str, OAS30Validator] = {}
        self.routes = []  # (regex, template, path item), fixed paths before templated ones
        for template, item in document["paths"].items():
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self.routes.append((re.compile(pattern + r"\Z"), template, item))
        self.routes.sort(key=lambda route: route[1].count("{"))

    # --- finding the operation ----------------------------------------------------------

    def find(self, method: str, path: str):
        """(operation, None), or (None, what routing must answer: 404 or 405). A path whose
        values are outside their schema (/orders/abc) finds its operation only when no
        other template fits, and flags it: routing may then answer 404 before it."""
        allowed_somewhere, loose = False, None
        for regex, template, item in self.routes:
            match = regex.match(path)
            if not match:
                continue
            fits = self._path_values_fit(item, method, match.groupdict())
            if method.lower() in item:
                operation = Operation(self, template, method.lower(), item[method.lower()],
                                      item)
                if fits:
                    return operation, None
                loose = loose or operation
                operation.values_outside = True
            elif fits:
                allowed_somewhere = True
        if loose is not None:
            return loose, None
        return None, (405 if allowed_somewhere else 404)

    def _path_values_fit(self, item: dict, method: str, values: dict) -> bool:
        operations = [item[m] for m in METHODS if m in item]
        for name, raw in values.items():
            for operation in operations:
                for parameter in [*item.get("parameters", ()),
                                  *operation.get("parameters", ())]:
                    if parameter["in"] == "path" and parameter["name"] == name:
                        if self.errors(parameter["schema"], _as_typed(raw, parameter["schema"])):
                            return False
        return True

    # --- schemas ------------------------------------------------------------------------

    def validator(self, schema: dict) -> OAS30Validator:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            # Local references (#/components/...) resolve against the document's components.
            rooted = {**schema, "components": self.document.get("components", {})}
            self._validators[key] = OAS30Validator(rooted, format_checker=oas30_format_checker)
        return self._validators[key]

    def errors(self, schema: dict, instance) -> list[str]:
        found = sorted(self.validator(schema).iter_errors(instance),
                       key=lambda e: list(e.absolute_path))
        return [f"{_json_path(e.absolute_path)}: {_best(e)}" for e in found]

    def error_schema(self) -> dict:
        return {"$ref": "#/components/schemas/Error"}

    # --- one answer ---------------------------------------------------------------------

    def problems(self, method: str, path: str, response) -> list[str]:
        """What is wrong with this answer, as sentences; empty when it conforms."""
        if method.upper() in ("HEAD", "OPTIONS") or not (
                path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            return []
        operation, routing = self.find(method, path[len(API_PREFIX):] or "/")
        if operation is None:
            return self._routing_problems(routing, response)
        documented = operation.response_spec(response.status_code)
        if documented is None and operation.values_outside and response.status_code == 404:
            return self._routing_problems(404, response)
        if documented is None:
            listed = ", ".join(sorted(operation.spec["responses"]))
            return [f"{operation.name} answered {response.status_code}, which the document "
                    f"does not list (it lists {listed})" + _quote(response)]
        return [f"{operation.name} {response.status_code}: {p}"
                for p in self._body_problems(documented, response)]

    def _routing_problems(self, status: int, response) -> list[str]:
        if response.status_code != status:
            return [f"no documented operation matches, so routing should answer {status}, "
                    f"not {response.status_code}" + _quote(response)]
        problems = self._body_problems({"content": {"application/json": {
            "schema": self.error_schema()}}}, response)
        if status == 405 and not response.headers.get("Allow"):
            problems.append("405 without an Allow header")
        return [f"routing {status}: {p}" for p in problems]

    def _body_problems(self, documented: dict, response) -> list[str]:
        content = documented.get("content") or {}
        data = response.get_data()
        if not content:
            return [f"a body of type {response.mimetype} that the document does not describe"
                    + _quote(response)] if data else []
        media = content.get(response.mimetype)
        if media is None:
            return [f"type {response.mimetype!r} is not among the documented "
                    f"{', '.join(content)}" + _quote(response)]
        if not response.mimetype.endswith("json"):
            return []
        try:
            body = json.loads(data)
        except ValueError:
            return ["the body is not JSON" + _quote(response)]
        errors = self.errors(media.get("schema", {}), body)
        return [f"the body does not match the documented schema:\n  " + "\n  ".join(errors[:10])
                + _quote(response)] if errors else []


class ValidatingClient(FlaskClient):
    """A test client that fails the test on any /api/v1 answer the document does not allow."""

    @cached_property
    def openapi(self) -> OpenAPIChecker:
        return checker_for(self.application)

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        problems = self.openapi.problems(request.method, request.path, response)
        if problems:
            where = request.path + (f"?{request.query_string.decode()}"
                                    if request.query_string else "")
            raise AssertionError(f"OpenAPI: {request.method} {where}\n" + "\n".join(problems))
        return response


def checker_for(app) -> OpenAPIChecker:
    """The checker of the document the app serves (built once per document)."""
    from app.api.docs import document
    served = document()
    cache = app.extensions.setdefault("comptoir.openapi_checker", {})
    key = id(served)
    if key not in cache:
        cache.clear()
        cache[key] = OpenAPIChecker(served)
    return cache[key]


def validating_client(app) -> ValidatingClient:
    return ValidatingClient(app, app.response_class, use_cookies=True)


def _as_typed(raw: str, schema: dict):
    """A path or query value as the type its schema names, or as text when it is not."""
    if schema.get("type") == "integer" and re.fullmatch(r"-?[0-9]+", raw):
        return int(raw)
    return raw


def _json_path(path) -> str:
    return "body" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _best(error) -> str:
    if error.context:  # anyOf/oneOf: the closest branch says more than "is not valid"
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        return f"{error.message} ({_json_path(deepest.absolute_path)}: {deepest.message})"
    return error.message


def _quote(response) -> str:
    text = response.get_data(as_text=True)
    return f"\n  body: {text[:MAX_SHOWN]}{'…' if len(text) > MAX_SHOWN else ''}" if text else ""
