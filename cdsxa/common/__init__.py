"""Pure vocabulary shared by every layer: ids, text, ages, errors, formatting,
outcomes, administrative units. Imports nothing else of the project."""
