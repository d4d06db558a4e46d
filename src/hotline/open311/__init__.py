"""Open311 GeoReport v2 under /open311/v2/: a view onto the tickets (docs/adr/0012-open311.md)."""
