"""The web front end (FastAPI): the REST API under ``/api/v1`` and the server-rendered pages.
Like the command line it is thin: every route calls the library's plain functions (the
wegwijzer, the catalogue, the calculators, the job store) and turns their results and errors
into HTTP. ``create_app`` builds it; ``passend serve`` runs it on Uvicorn."""
