"""What shapes one sandbox server: :class:`SandboxOptions` and the demo API token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from kit.sandbox.faults import Faults
from kit.sandbox.guards import check_options

__all__ = ["SANDBOX_TOKEN", "SandboxOptions"]

# Not a secret: the sandbox is local and holds generated data. Real tokens never take this value.
SANDBOX_TOKEN = "LXT_sandbox_demo_token_not_a_secret"


@dataclass(frozen=True)
class SandboxOptions:
    """Everything that shapes one sandbox server; out-of-range values raise :class:`SandboxError` here, so
    ``SandboxOptions(...)`` in Python and ``lxkit sandbox serve`` refuse the same settings
    (:func:`kit.sandbox.guards.check_options` has the ranges).

    ``fault_rate`` spreads that share of requests evenly over the transient faults a client must survive
    (429 with and without Retry-After, 503, dropped connections), drawn with ``seed``; give either it or
    ``faults.rates``. ``read_timeout`` is how long a request body may take to arrive before a 400.
    ``as_of`` serves the demo workspace (and its run history) as it was on that day, from
    :data:`~kit.sandbox.guards.HISTORY_START` to :data:`~kit.sandbox.guards.REFERENCE_DATE` (None: the latter).
    """

    size: int = 2000
    seed: int = 7
    api_token: str = SANDBOX_TOKEN
    token_lifetime: float = 3600.0
    rate_limit: int | None = 1800
    denied_fields: tuple[str, ...] = ()
    faults: Faults = field(default_factory=Faults)
    run_delay: float = 0.05  # seconds a started run stays PENDING (lets clients poll and stop)
    fault_rate: float = 0.0
    read_timeout: float = 10.0
    between_pages: Callable[..., None] | None = None  # tests: called per PageServed (see graphql_api)
    as_of: date | None = None
    webhook_retry_interval: float = 50.0  # seconds between attempts of a failed webhook delivery (LeanIX: 50)
    webhook_retry_limit: int = 10  # attempts of one webhook delivery before it is recorded FAILED

    def __post_init__(self) -> None:
        check_options(self)

    def starting_faults(self) -> Faults:
        """The faults the server starts with: ``faults``, with ``fault_rate`` spread over transient kinds."""
        if not self.fault_rate:
            return self.faults
        return replace(self.faults, rates=Faults.mixed(self.fault_rate).rates, seed=self.seed)
