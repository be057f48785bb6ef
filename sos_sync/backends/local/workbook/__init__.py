"""The local tracker workbook: layout, first write, patches, upgrades (SPEC §4, §12)."""
