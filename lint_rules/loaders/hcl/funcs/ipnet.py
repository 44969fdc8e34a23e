"""IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets (terraform's ``funcs/cidr.go``)."""
from __future__ import annotations

import ipaddress

from ..values import EvalError, to_number
from .registry import _fn, _need_str


def _network(prefix) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(_need_str(prefix), strict=False)
    except ValueError:
        raise EvalError(f"invalid CIDR expression {prefix!r}") from None


def _whole(value, what: str) -> int:
    n = to_number(value)
    if isinstance(n, float):
        raise EvalError(f"{what} must be a whole number")
    return n


@_fn("cidrhost")
def _cidrhost(prefix, hostnum):
    net = _network(prefix)
    n = _whole(hostnum, "hostnum")
    size = net.num_addresses
    if n < 0:
        n += size
    if not 0 <= n < size:
        raise EvalError(f"prefix {prefix!r} has no host number {hostnum}")
    return str(net.network_address + n)


@_fn("cidrnetmask")
def _cidrnetmask(prefix):
    net = _network(prefix)
    if net.version != 4:
        raise EvalError("only IPv4 networks have a netmask")
    return str(net.netmask)


def _subnet(net, newbits: int, netnum: int):
    if newbits < 0:
        raise EvalError("newbits must not be negative")
    new_prefix = net.prefixlen + newbits
    if new_prefix > net.max_prefixlen:
        raise EvalError(f"insufficient address space to extend prefix of {net.prefixlen} by {newbits}")
    if not 0 <= netnum < 2 ** newbits:
        raise EvalError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    step = 2 ** (net.max_prefixlen - new_prefix)
    return ipaddress.ip_network((int(net.network_address) + netnum * step, new_prefix))


@_fn("cidrsubnet")
def _cidrsubnet(prefix, newbits, netnum):
    net = _network(prefix)
    return str(_subnet(net, _whole(newbits, "newbits"), _whole(netnum, "netnum")))


@_fn("cidrsubnets")
def _cidrsubnets(prefix, *newbits):
    net = _network(prefix)
    out: list[str] = []
    current = int(net.network_address)
    for bits in newbits:
        bits = _whole(bits, "newbits")
        new_prefix = net.prefixlen + bits
        if bits < 1 or new_prefix > net.max_prefixlen:
            raise EvalError(f"cannot extend prefix {net.prefixlen} by {bits}")
        step = 2 ** (net.max_prefixlen - new_prefix)
        current = (current + step - 1) // step * step  # align to the subnet's own size
        if current + step > int(net.network_address) + net.num_addresses:
            raise EvalError("not enough remaining address space for a subnet")
        out.append(str(ipaddress.ip_network((current, new_prefix))))
        current += step
    return out
