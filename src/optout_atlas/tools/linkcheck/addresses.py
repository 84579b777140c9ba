"""Addresses that are not public, which the checker never asks.

A URL, or a redirect, whose host is or resolves to a loopback, private, link-local or otherwise
non-public address is not asked at all: a link in a pull request must not make the checker probe
the network it runs in (a cloud's metadata service at 169.254.169.254, a router, a service on
localhost).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = (
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_unspecified", "unspecified"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)


def non_public_kind(address: IPAddress) -> str | None:
    """``"loopback"``, ``"private"``, ``"link-local"``… for an address a public link cannot
    mean, None for a public one. IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo,
    NAT64) are judged by that address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return non_public_kind(embedded)
    for test, kind in _KINDS:
        if getattr(address, test):
            return kind
    return None if address.is_global else "non-public"


async def host_refusal(host: str) -> str | None:
    """``"resolves to a loopback address (127.0.0.1)"`` or ``"is a private address"`` when
    ``host`` is or resolves to an address that is not public (any of its addresses: a name with
    a public and a private one could be asked at either); None otherwise, and when the name
    does not resolve."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        literal = None
    if literal is not None:
        kind = non_public_kind(literal)
        return f"is {_article(kind)} {kind} address" if kind else None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    addresses = sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in found}, key=str)
    for address in addresses:
        kind = non_public_kind(address)
        if kind:
            return f"resolves to {_article(kind)} {kind} address ({address})"
    return None


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
