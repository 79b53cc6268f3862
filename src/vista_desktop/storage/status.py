"""Draft statuses: a module of its own so that the GUI can name them without loading SQLAlchemy at start-up."""

STATUS_DRAFT = "draft"
STATUS_COMPLETE = "complete"
