"""corridor: multimodal freight routing on the Kunming – Lao Cai – Hanoi – Hai Phong corridor.

The short functions are here (:func:`quote`, :func:`pareto`, :func:`quote_many`,
:func:`plan`, :func:`congestion`, :func:`compare`, :func:`sweep`, :func:`criticality`,
:func:`load_network`), imported on first use so that ``import corridor`` loads no solver, map
or chart library; the packages that hold them keep their own names, one per stage of the
pipeline (see ``docs/architecture.md``):
:mod:`corridor.data` → :mod:`corridor.network` → :mod:`corridor.service` →
:mod:`corridor.routing` / :mod:`corridor.planning` (on :mod:`corridor.solvers`) →
:mod:`corridor.scenario` → :mod:`corridor.render` and :mod:`corridor.cli`.
"""

from importlib import metadata as _metadata
from typing import TYPE_CHECKING

from corridor.errors import (
    CorridorError,
    DataError,
    DeadlineError,
    InfeasibleError,
    InvalidRequestError,
    NoRouteError,
    PlaceNotOpenError,
    ScenarioError,
    SolverError,
    UnknownPlaceError,
)
from corridor.lazy import lazy_names
from corridor.model import CargoClass, Mode, PlaceKind, Shipment

if TYPE_CHECKING:  # imported on first use (below), so that `import corridor` stays light
    from corridor.network import Network, load_network
    from corridor.planning import Congestion, Plan, PlanRequest, congestion, plan, read_demand
    from corridor.routing import Quote, QuoteRequest, Step, pareto, quote, quote_many
    from corridor.scenario import (
        Comparison,
        Criticality,
        Scenario,
        apply_all,
        compare,
        criticality,
        sweep,
    )

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "corridor.network": ("Network", "load_network"),
        "corridor.planning": (
            "Congestion",
            "Plan",
            "PlanRequest",
            "congestion",
            "plan",
            "read_demand",
        ),
        "corridor.routing": ("Quote", "QuoteRequest", "Step", "pareto", "quote", "quote_many"),
        "corridor.scenario": (
            "Comparison",
            "Criticality",
            "Scenario",
            "apply_all",
            "compare",
            "criticality",
            "sweep",
        ),
    },
)

try:
    __version__ = _metadata.version("corridor")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "CargoClass",
    "Comparison",
    "Congestion",
    "CorridorError",
    "Criticality",
    "DataError",
    "DeadlineError",
    "InfeasibleError",
    "InvalidRequestError",
    "Mode",
    "Network",
    "NoRouteError",
    "PlaceKind",
    "PlaceNotOpenError",
    "Plan",
    "PlanRequest",
    "Quote",
    "QuoteRequest",
    "Scenario",
    "ScenarioError",
    "Shipment",
    "SolverError",
    "Step",
    "UnknownPlaceError",
    "__version__",
    "apply_all",
    "compare",
    "congestion",
    "criticality",
    "load_network",
    "pareto",
    "plan",
    "quote",
    "quote_many",
    "read_demand",
    "sweep",
]
