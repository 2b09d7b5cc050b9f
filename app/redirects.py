"""Where a form or link may send the browser back to."""
from urllib.parse import urlsplit

MAX_TARGET = 2000  # a page of this site; anything longer is not one of our links


def same_site(target: str | None, fallback: str) -> str:
    """Only a path of this site: no open redirect through a `next` argument.

    Read as a browser would: it drops tabs and line breaks anywhere in a URL and takes a
    backslash for a slash, so `/\\t/evil.com` and `/\\\\evil.com` both mean `//evil.com`,
    another host. Anything with a control or invisible character is refused outright (a
    line break would also break the Location header); what is left must be a path with no
    scheme and no host once backslashes are read as slashes."""
    if not target or not isinstance(target, str) or len(target) > MAX_TARGET:
        return fallback
    if not target.isprintable():  # \t \r \n \x00, U+2028, zero-width and other controls
        return fallback
    as_browser_reads_it = target.replace("\\", "/")
    if not as_browser_reads_it.startswith("/") or as_browser_reads_it.startswith("//"):
        return fallback
    try:
        parts = urlsplit(as_browser_reads_it)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return fallback
    return target
