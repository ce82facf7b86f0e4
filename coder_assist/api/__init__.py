"""HTTP layer (FastAPI): routes, dependencies and the static review UI."""
