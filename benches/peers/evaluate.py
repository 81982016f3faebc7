"""The evaluator every method is measured with: the PC4 units, their adjacency graph, where
each account lies, and the measures of a plan (balance, contiguity, compactness).

A plan is given twice, as labels 0..k-1 (or -1 for none): one per account and one per unit.
"""

from dataclasses import dataclass
import json
import math

import networkx as nx
import numpy as np
import pyproj
import shapely
from shapely import STRtree

# As Tessera's engine (src/engine/mod.rs), so that distances agree.
EARTH_RADIUS_KM = 6371.0088
# Dutch RD New, in metres: areas, perimeters and the adjacency tolerance are measured there.
METRIC_CRS = "EPSG:28992"
# The PC4 layer is dirty (neighbours rarely share vertices and some leave gaps of a few
# metres): two units are neighbours when, each grown by this much, they overlap along a
# border...
ADJACENCY_BUFFER_M = 5.0
# ...at least this long (so units that only meet at a corner are not neighbours).
MIN_SHARED_BORDER_M = 10.0
# A territory's outline is the union of its units grown and shrunk back by this much, which
# closes the sliver gaps between them (the plain union of a band of 900 PC4 units has 6,500
# sliver holes and three times the perimeter); holes smaller than MIN_HOLE_M2 left after that
# are slivers too and are dropped.
CLOSING_M = 10.0
MIN_HOLE_M2 = 10_000.0


@dataclass
class Units:
    """The PC4 units: codes, shapes in lon/lat and in metres, and the adjacency graph."""

    codes: list[str]
    metric: np.ndarray  # shapely geometries in METRIC_CRS
    graph: nx.Graph  # nodes 0..n-1, islands tied to the mainland
    island_edges: int  # edges added to tie islands to the mainland
    to_metric: pyproj.Transformer
    to_lonlat: pyproj.Transformer

    def __len__(self):
        return len(self.codes)


def load_units(path, code_property="postcode"):
    """Reads a GeoJSON layer of units (empty shapes left out) and builds its adjacency graph."""
    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in features])
    keep = ~shapely.is_empty(shapes)
    codes = [str(f["properties"][code_property]) for f, k in zip(features, keep) if k]
    to_metric = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    to_lonlat = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    metric = shapely.make_valid(
        shapely.transform(shapes[keep], lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
    )
    graph, island_edges = adjacency(metric)
    return Units(codes, metric, graph, island_edges, to_metric, to_lonlat)


def adjacency(metric):
    """Units sharing a border (within the tolerance above); every component but the largest
    (the Wadden islands, Zeeuws-Vlaanderen, ...) gets one edge to its nearest mainland unit."""
    grown = shapely.buffer(metric, ADJACENCY_BUFFER_M)
    i, j = STRtree(grown).query(grown, predicate="intersects")
    i, j = i[i < j], j[i < j]
    overlap = shapely.area(shapely.intersection(grown[i], grown[j]))
    border = overlap > 2 * ADJACENCY_BUFFER_M * MIN_SHARED_BORDER_M
    graph = nx.Graph()
    graph.add_nodes_from(range(len(metric)))
    graph.add_edges_from(zip(i[border].tolist(), j[border].tolist()))

    components = sorted(nx.connected_components(graph), key=len, reverse=True)
    mainland = np.array(sorted(components[0]))
    tree = STRtree(metric[mainland])
    for island in components[1:]:
        island = np.array(sorted(island))
        (near_island, near_main), distance = tree.query_nearest(metric[island], return_distance=True)
        best = np.argmin(distance)
        graph.add_edge(int(island[near_island[best]]), int(mainland[near_main[best]]))
    return graph, len(components) - 1


def to_metric_points(units, lon, lat):
    x, y = units.to_metric.transform(lon, lat)
    return shapely.points(x, y)


def within(units, lon, lat):
    """The unit each account lies in, -1 for none (at sea, across the border)."""
    points = to_metric_points(units, lon, lat)
    unit = np.full(len(points), -1)
    hit_point, hit_unit = STRtree(units.metric).query(points, predicate="intersects")
    # A point on a shared border hits two units: the first one found keeps it.
    _, first = np.unique(hit_point, return_index=True)
    unit[hit_point[first]] = hit_unit[first]
    return unit


def locate(units, lon, lat):
    """The unit each account lies in; an account in no unit goes to the nearest unit.
    Returns the unit indices and how many went to the nearest."""
    unit = within(units, lon, lat)
    outside = np.flatnonzero(unit < 0)
    if len(outside):
        points = to_metric_points(units, lon[outside], lat[outside])
        near_point, near_unit = STRtree(units.metric).query_nearest(points)
        unit[outside[near_point]] = near_unit
    return unit, len(outside)


def haversine_km(lon1, lat1, lon2, lat2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(a), 1.0))


def outline(units, members):
    """The union of the given units, sliver gaps closed (see CLOSING_M), in metres."""
    union = shapely.buffer(shapely.union_all(shapely.buffer(units.metric[members], CLOSING_M)), -CLOSING_M)
    polygons = []
    for polygon in shapely.get_parts(union):
        holes = [r for r in polygon.interiors if shapely.Polygon(r).area >= MIN_HOLE_M2]
        polygons.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.MultiPolygon(polygons)


def max_deviation_pct(values):
    mean = values.mean()
    return float(np.abs(values - mean).max() / mean * 100) if mean else float("nan")


def evaluate(units, accounts, settings, account_labels, unit_labels, k):
    """Measures a plan of k territories.

    accounts: dict of arrays lon, lat, potential, visits, minutes (NaN: the project default);
    settings: the project's detour_factor, speed_kmh, default_minutes_per_visit.
    Workload is Tessera's: visit time plus a round trip per visit from the territory's base,
    here the centroid of its units (so every method is measured from the same kind of base).
    """
    minutes = np.where(np.isnan(accounts["minutes"]), settings["default_minutes_per_visit"], accounts["minutes"])
    count, potential, workload, pp = (np.zeros(k) for _ in range(4))
    contiguous = 0
    for t in range(k):
        members = np.flatnonzero(unit_labels == t)
        mine = account_labels == t
        count[t] = mine.sum()
        potential[t] = accounts["potential"][mine].sum()
        if len(members) == 0:
            pp[t] = float("nan")
            workload[t] = (accounts["visits"][mine] * minutes[mine]).sum() / 60
            continue
        contiguous += nx.is_connected(units.graph.subgraph(members.tolist()))
        shape = outline(units, members)
        pp[t] = 4 * math.pi * shape.area / shape.length**2
        base_lon, base_lat = units.to_lonlat.transform(shape.centroid.x, shape.centroid.y)
        distance = haversine_km(base_lon, base_lat, accounts["lon"][mine], accounts["lat"][mine])
        drive = distance * settings["detour_factor"] / settings["speed_kmh"] * 60
        visits = accounts["visits"][mine]
        workload[t] = (visits * minutes[mine] + visits * 2 * drive).sum() / 60
    return {
        "max_dev_potential_pct": max_deviation_pct(potential),
        "max_dev_workload_pct": max_deviation_pct(workload),
        "max_dev_accounts_pct": max_deviation_pct(count),
        "contiguous": contiguous,
        "polsby_popper_mean": float(np.nanmean(pp)) if not np.isnan(pp).all() else float("nan"),
        "unassigned_accounts": int((account_labels < 0).sum()),
        "empty_territories": int(sum(not (unit_labels == t).any() for t in range(k))),
        "per_territory": {
            "accounts": count.astype(int).tolist(),
            "potential": potential.round().tolist(),
            "workload_hours": workload.round(1).tolist(),
            "polsby_popper": [round(float(x), 4) for x in pp],
        },
    }
