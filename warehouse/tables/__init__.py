"""Every raw table the pipeline ingests, declared once (warehouse/tables/schema.py says how).

The extractor (extract/) writes them, the ingest assets load them, the responses path reads the
appendix's, and raw/README.md is rendered from them.
"""

from warehouse.tables import appendix, devon, printed_lines
from warehouse.tables.schema import Table

TABLES: tuple[Table, ...] = appendix.TABLES + devon.TABLES + printed_lines.TABLES
