"""Where a form or link may send the browser back to."""


def same_site(target: str | None, fallback: str) -> str:
    """Only a page of this site: no open redirect through a `next` argument."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
