"""sos-sync: runs the Schools of Sanctuary award for a local authority team.

Form responses in, one tracker with every school's step out, plus calendar events
and feedback documents. The shape of every run is one arrow:
read (backend) -> Snapshot -> plan (pure) -> Plan -> apply (backend) -> RunReport.
"""

__version__ = "0.1.0"
