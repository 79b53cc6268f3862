"""Official documents: one document model built from a draft, rendered to PDF and DOCX."""
