"""Programmes: the programme file, its roster, its validated settings, and storing them."""
