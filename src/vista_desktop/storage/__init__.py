"""Local storage: SQLite (WAL, synchronous=FULL) through SQLAlchemy 2, schema by Alembic migrations."""
