"""corridor: multimodal freight routing on the Kunming – Lao Cai – Hanoi – Hai Phong corridor."""

from importlib import metadata as _metadata

from corridor.errors import (
    CorridorError,
    DataError,
    DeadlineError,
    InfeasibleError,
    InvalidRequestError,
    NoRouteError,
    PlaceNotOpenError,
    ScenarioError,
    UnknownPlaceError,
)
from corridor.model import CargoClass, Mode, PlaceKind, Shipment
from corridor.network import Network, load_network
from corridor.plan import Plan, plan
from corridor.routing import Quote, QuoteRequest, Step, pareto, quote, quote_many
from corridor.scenario import Comparison, Scenario, compare

try:
    __version__ = _metadata.version("corridor")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "CargoClass",
    "Comparison",
    "CorridorError",
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
    "Quote",
    "QuoteRequest",
    "Scenario",
    "ScenarioError",
    "Shipment",
    "Step",
    "UnknownPlaceError",
    "__version__",
    "compare",
    "load_network",
    "pareto",
    "plan",
    "quote",
    "quote_many",
]
