"""
One address per page: the URL an article is known by, with what varies
between links to the same page taken out (tracking parameters, fragments,
AMP variants, spelling of the host and port).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say who sent a reader, never which page it is.
TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_enc_id",
    "oly_anon_id",
    "vero_id",
    "rb_clickid",
    "s_cid",
    "ncid",
    "cmpid",
    "ocid",
    "ref_src",
    "ref_url",
    "smid",
    "sr_share",
    "amp",
    "outputtype",
}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# AMP pages as publishers address them: /amp/... or .../amp, amp.host,
# article.amp.html.
AMP_SEGMENT = re.compile(r"(?:^|/)amp(?=/|$)", re.IGNORECASE)
AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$)", re.IGNORECASE)


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """
    The address of the page `url` shows: scheme and host in lower case, no
    default port, no fragment, no tracking parameters, the AMP variant
    replaced by the page itself. What is left of the query keeps its order:
    some sites tell pages apart by it.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".").lower()
    if host.startswith("amp."):
        host = host[len("amp.") :]
    if ":" in host:
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS[scheme]:
        host += f":{port}"
    path = AMP_SUFFIX.sub("", parts.path)
    path = AMP_SEGMENT.sub("", path) or "/"
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(name)
    ]
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))
