"""Several AWS accounts in one configuration: account-level requirements are judged per account.

A root may manage NVS and NHC through aliased providers (``provider = aws.nhc``, each with its own
``allowed_account_ids`` or ``assume_role``).  What the policy asks of "the account" -- a multi-region
trail, a Config recorder, GuardDuty, Security Hub, alarms, the DeleteTrail guardrail, the log-access
roles -- must then hold in every account: a trail created with the NVS provider does not cover NHC.
:meth:`Model.account_of` names the account a resource acts in; :meth:`Model.accounts` lists the
accounts the configuration manages resources in.

Messages name the account only when there is more than one, so single-account findings read as before.
"""
from __future__ import annotations

from typing import Iterable

from ..model import Model, Resource


def several(model: Model) -> bool:
    return model.memo(("accounts.several",), lambda: len(model.accounts()) > 1)


def split(model: Model, resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    """{account label: its resources} for every account of the configuration (empty lists included),
    in :meth:`Model.accounts` order; accounts that only ``resources`` use are added at the end."""
    out: dict[str, list[Resource]] = {a: [] for a in model.accounts()}
    for r in resources:
        out.setdefault(model.account_of(r), []).append(r)
    return out


def in_account(model: Model, resources: Iterable[Resource], account: str) -> list[Resource]:
    return [r for r in resources if model.account_of(r) == account]


def label(account: str) -> str:
    """``account 222222222222`` or ``the account of provider aws.nhc``."""
    return f"account {account}" if account.isdigit() else f"the account of provider {account}"


def prefix(model: Model, account: str | None) -> str:
    """``"account 222222222222: "`` when the configuration manages several accounts, else ``""``."""
    if account is None or not several(model):
        return ""
    return f"{label(account)}: "


def suffix(model: Model, account: str | None) -> str:
    """``" in account 222222222222"`` when the configuration manages several accounts, else ``""``."""
    if account is None or not several(model):
        return ""
    return f" in {label(account)}"
