"""Routing one shipment: request → problem → exact search → itemised quote.

- :mod:`~corridor.routing.request`: :class:`QuoteRequest`, every quote option declared once;
- :mod:`~corridor.routing.problem`: a request resolved on a network's service graph and
  solved (min-cost flow, or the exact constrained search);
- :mod:`~corridor.routing.search`: :func:`quote`, distinct alternatives, a deadline at a
  confidence level;
- :mod:`~corridor.routing.frontier`: :func:`pareto`, the exact cost / time (/ CO2) front;
- :mod:`~corridor.routing.diagnose`: why there is no route;
- :mod:`~corridor.routing.result`: :class:`Quote` and :class:`Step`;
- :mod:`~corridor.routing.batch`: :func:`quote_many`, one request per row;
- :mod:`~corridor.routing.rates`: a forwarder's rate card (``rates=``), read and checked;
  :mod:`~corridor.routing.rate_pricing`: its prices on the service graph.
"""

from typing import TYPE_CHECKING

from corridor.lazy import lazy_names
from corridor.options import parse_hours
from corridor.routing.frontier import pareto
from corridor.routing.request import OBJECTIVES, QuoteRequest, request_year
from corridor.routing.result import Quote, Step, route_key
from corridor.routing.search import quote

if TYPE_CHECKING:
    from corridor.routing.batch import quote_many

__getattr__, __dir__ = lazy_names(__name__, {"corridor.routing.batch": ("quote_many",)})

__all__ = [
    "OBJECTIVES",
    "Quote",
    "QuoteRequest",
    "Step",
    "pareto",
    "parse_hours",
    "quote",
    "quote_many",
    "request_year",
    "route_key",
]
