"""Distances between places, without any geocoding service."""

import math

EARTH_RADIUS_KM = 6371.0


def distance_km(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    chord = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(chord))
