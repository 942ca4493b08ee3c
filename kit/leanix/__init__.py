"""LeanIX's data model and constants: the one meta model every other layer reads.

May import: ``kit.errors`` only (and the standard library). No HTTP, no pandas.
"""
