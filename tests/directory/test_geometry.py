"""Point in polygon: inside, outside, on an edge or a vertex, in a hole; and what a boundary must be."""

import pytest

from hotline.directory.geometry import contains, parse_boundary, ring_position

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
HOLE = [[4, 4], [6, 4], [6, 6], [4, 6]]


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((5, 5), "inside"),
        ((0.001, 9.999), "inside"),
        ((11, 5), "outside"),
        ((-0.001, 5), "outside"),
        ((5, 10.5), "outside"),
        ((10, 5), "edge"),
        ((5, 0), "edge"),
        ((0, 0), "edge"),  # a vertex
        ((10, 10), "edge"),
    ],
)
def test_ring_position(point, expected) -> None:
    assert ring_position(*point, parse_boundary([SQUARE])[0]) == expected


def test_a_ray_through_a_vertex_is_counted_once() -> None:
    diamond = parse_boundary([[[0, 5], [5, 0], [10, 5], [5, 10]]])[0]
    assert ring_position(2, 5, diamond) == "inside"  # the ray passes the vertex (10, 5)
    assert ring_position(-1, 5, diamond) == "outside"  # and here the vertices (0, 5) and (10, 5)
    assert ring_position(2, 0, diamond) == "outside"


def test_holes_are_outside_and_their_edges_within() -> None:
    boundary = parse_boundary([SQUARE, HOLE])
    assert contains(boundary, 2, 2)
    assert not contains(boundary, 5, 5)
    assert contains(boundary, 4, 5)  # on the hole's edge
    assert contains(boundary, 10, 10)
    assert not contains(boundary, 20, 20)


def test_a_concave_polygon() -> None:
    u_shape = parse_boundary([[[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9]]])
    assert contains(u_shape, 1, 8)
    assert contains(u_shape, 8, 8)
    assert not contains(u_shape, 4.5, 6)  # in the notch


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "多边形环的列表"),
        ([], "多边形环的列表"),
        ([[[0, 0], [1, 1]]], "至少需要 3 个不同的点"),
        ([[[0, 0], [1, 0], [0, 0]]], "至少需要 3 个不同的点"),
        ([[[0, 0], [1, 0], [1]]], "第 1 个环第 3 个点应为 [经度, 纬度]"),
        ([[[0, 0], [1, 0], ["1", 1]]], "第 1 个环第 3 个点应为 [经度, 纬度]"),
        ([[[0, 0], [1, 0], [200, 1]]], "超出经纬度范围"),
        ([SQUARE, "x"], "第 2 个环应为坐标点的列表"),
    ],
)
def test_bad_boundaries_are_refused_with_a_reason(value, message) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_boundary(value)
