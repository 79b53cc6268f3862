"""VISTA Desktop: the S&T task forms of Circular 14/2014/TT-BKHCN, amended by 11/2023/TT-BKHCN."""

__version__ = "0.1.0"
