"""A request's JSON body looked at before its view (a rate limit's key or cost): never an
error, the view answers a bad body itself (app/api/inputs.py)."""
from flask import request


def peek_json_object() -> dict | None:
    """The body if it is a JSON object, else None."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # deep nesting escapes Flask's ValueError catch
        return None
    return data if isinstance(data, dict) else None
