from __future__ import annotations

import pytest

from passend.catalogue.loader import Catalogue, load_catalogue


def pytest_configure(config: pytest.Config) -> None:
    """Ignore pandas 3's Pandas4Warning (raised inside PySpark and Ibis's PySpark backend, about
    270 per Spark query), by name in the ini's way; only where pandas has it (pandas < 3 has
    not, and an unknown class in ``filterwarnings`` would stop the run)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version("pandas").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return
    if major >= 3:
        config.addinivalue_line("filterwarnings", "ignore::pandas.errors.Pandas4Warning")


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return load_catalogue(extra=None)


@pytest.fixture(scope="session")
def spark():
    """The one Spark session of the test run (local[2], 2 shuffle partitions, set for small
    data; a session takes seconds to start), as an Ibis backend. The engine stays duckdb: a test runs on Spark inside
    ``db.set_engine("spark")``. Skips when pyspark or Java is missing, and only then."""
    import importlib.util
    import os
    import shutil

    from passend import db

    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (pip install -e '.[spark]')")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.exists(f"{java_home}/bin/java")):
        pytest.skip("no Java: the Spark engine needs Java 17")
    # whole-stage code generation and adaptive plans cost more than they gain on a few
    # thousand rows: without them the parity test takes about half the time
    small = {"spark.sql.codegen.wholeStage": "false", "spark.sql.adaptive.enabled": "false"}
    db.set_engine(None, master="local[2]", shuffle_partitions=2, conf=small)
    yield db.spark()
    db.stop_spark()
