from __future__ import annotations

import pytest

from passend.catalogue.loader import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return load_catalogue(extra=None)
