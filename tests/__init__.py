"""pytest suite, mirrors the package: real PostgreSQL, Redis, Celery and Chromium; builder fixtures."""
