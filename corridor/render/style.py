"""Colours shared by maps and charts, so that a mode looks the same everywhere; legend steps."""

import math

MODE_COLOURS = {
    "road": "#d95f02",
    "rail_1000": "#7570b3",
    "rail_1435": "#1b9e77",
    "river": "#1f78b4",
    "sea": "#08306b",
    "air": "#e7298a",
}
"""Colour of each mode on maps."""
UTILISATION_COLOURS = ("#1a9850", "#fee08b", "#d73027")
"""Plan maps: colour of a loaded link from 0 % to 100 % utilisation."""
UNLIMITED_COLOUR = "#4575b4"
"""Plan maps: colour of a loaded link without a capacity in the data."""
LOSS_COLOURS = ("#fee08b", "#fc8d59", "#d73027", "#67001f")
"""Criticality maps: from a small loss to the largest (the loss is drawn on a square-root scale)."""
NO_LOSS_COLOUR = "#bbbbbb"
"""Criticality maps: an element whose closure costs nothing."""
MORE_COLOUR = "#d6604d"
"""Difference maps: a link carrying more than in the baseline."""
LESS_COLOUR = "#2166ac"
"""Difference maps: a link carrying less than in the baseline."""


def width_steps(heaviest: float) -> list[float]:
    """Two or three round flows (TEU/day) up to ``heaviest`` to show line widths by."""
    if heaviest < 1:
        return [1]
    unit = 10 ** math.floor(math.log10(heaviest))
    top = math.floor(heaviest / unit) * unit
    return [x for x in dict.fromkeys([round(top / 10), round(top / 2), round(top)]) if x > 0]
