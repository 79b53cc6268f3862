"""Forms as data: declarative, versioned definitions, typed values and validation."""
