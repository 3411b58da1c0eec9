"""The catalogue: laws, financers, payment titles, tariffs and bottlenecks as dated data."""

from passend.catalogue.loader import Catalogue, CatalogueError, CatalogueIssue, load_catalogue

__all__ = ["Catalogue", "CatalogueError", "CatalogueIssue", "load_catalogue"]
