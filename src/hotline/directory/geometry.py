"""Area boundaries as plain JSON, and whether a point lies within one; no GIS library needed.

A boundary is a list of rings, each a list of [longitude, latitude] pairs: the first ring is the
outer edge, any further rings are holes (a lake, an enclave that belongs to another grid). A ring
may repeat its first point at the end or not. Coordinates are taken as planar: over the few
kilometres of a district the curvature of the earth moves no edge by more than centimetres, far
less than a phone's GPS error. They must be in the same datum as the points the apps send
(GCJ-02 on Chinese maps, WGS-84 from raw GPS); nothing here converts between them.
"""

from collections.abc import Sequence
from typing import Any

from hotline.core.i18n import gettext as _

Ring = list[tuple[float, float]]

# Closer than this (in degrees, about a centimetre) counts as on the edge.
EDGE_TOLERANCE = 1e-7


def parse_boundary(value: Any) -> list[Ring]:
    """The boundary as rings of (lon, lat) tuples; ValueError saying what is wrong with it."""
    if not isinstance(value, list) or not value:
        raise ValueError(_("边界应为多边形环的列表：[[[经度, 纬度], ...], ...]"))
    rings: list[Ring] = []
    for r, ring in enumerate(value, start=1):
        if not isinstance(ring, list):
            raise ValueError(_("第 %(ring)s 个环应为坐标点的列表") % {"ring": r})
        points: Ring = []
        for p, point in enumerate(ring, start=1):
            if (
                not isinstance(point, list | tuple)
                or len(point) != 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
            ):
                raise ValueError(
                    _("第 %(ring)s 个环第 %(point)s 个点应为 [经度, 纬度]") % {"ring": r, "point": p}
                )
            lon, lat = float(point[0]), float(point[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError(
                    _("第 %(ring)s 个环第 %(point)s 个点超出经纬度范围：[%(lon)s, %(lat)s]")
                    % {"ring": r, "point": p, "lon": lon, "lat": lat}
                )
            points.append((lon, lat))
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3:
            raise ValueError(_("第 %(ring)s 个环至少需要 3 个不同的点") % {"ring": r})
        rings.append(points)
    return rings


def _on_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> bool:
    (ax, ay), (bx, by) = a, b
    cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
    length = max(abs(bx - ax), abs(by - ay))
    if abs(cross) > EDGE_TOLERANCE * max(length, 1.0):
        return False
    return (
        min(ax, bx) - EDGE_TOLERANCE <= x <= max(ax, bx) + EDGE_TOLERANCE
        and min(ay, by) - EDGE_TOLERANCE <= y <= max(ay, by) + EDGE_TOLERANCE
    )


def ring_position(x: float, y: float, ring: Sequence[tuple[float, float]]) -> str:
    """ "inside", "edge" or "outside" of one ring (even-odd rule, by a ray cast towards +x)."""
    inside = False
    previous = ring[-1]
    for current in ring:
        if _on_segment(x, y, previous, current):
            return "edge"
        (ax, ay), (bx, by) = previous, current
        # The half-open test (one end above, the other not) counts a vertex on the ray once.
        if (ay > y) != (by > y):
            crossing = ax + (y - ay) * (bx - ax) / (by - ay)
            if crossing > x:
                inside = not inside
        previous = current
    return "inside" if inside else "outside"


def contains(boundary: Sequence[Ring], lon: float, lat: float) -> bool:
    """Whether the point is within the boundary; a point on an edge (outer or a hole's) counts as within.

    Two grids that share an edge therefore both contain a point on it; the caller chooses among them.
    """
    outer, *holes = boundary
    position = ring_position(lon, lat, outer)
    if position != "inside":
        return position == "edge"
    return all(ring_position(lon, lat, hole) != "inside" for hole in holes)
