"""The newest migration's revision id, in a module of its own so that start-up can compare it with the database's
without importing SQLAlchemy or Alembic (about half a second). A test checks it against Alembic's head."""

HEAD_REVISION = "0009_dossier_file_copies"
