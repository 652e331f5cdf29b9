"""Models arrive with the catalogue issue."""
