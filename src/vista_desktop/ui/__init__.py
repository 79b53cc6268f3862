"""The PySide6 user interface. The only package that imports Qt; it calls the services, never storage directly."""
