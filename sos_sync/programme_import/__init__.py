"""programme_import."""
