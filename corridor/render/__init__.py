"""Renderers: they read results (quotes, plans, comparisons, networks) and never the reverse.

- :mod:`~corridor.render.geo`: GeoDataFrames and files (GeoPackage, GeoJSON, CSV);
- :mod:`~corridor.render.maps`: folium HTML maps, Leaflet inline;
- :mod:`~corridor.render.charts`: matplotlib figures (Pareto, route, plan, comparison);
- :mod:`~corridor.render.report`: the self-contained HTML report of a comparison;
- :mod:`~corridor.render.text`: result tables as text for people;
- :mod:`~corridor.render.style`: colours shared by maps and charts.

Results call them through methods (``Quote.map()``, ``Plan.chart()``, ...) that import them
on first use, so ``import corridor`` loads neither folium, geopandas nor matplotlib.
"""
