"""Hotline: the back office of a city's citizen-request hotline (12345)."""
