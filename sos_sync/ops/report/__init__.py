"""`sos-sync report`: termly and annual progress reports for the council and the network.

Reads the tracker (through the backend's tracker store) and the run history into pandas
DataFrames, computes the figures once (`model.build_report`) and renders them as HTML,
.docx, PDF or .xlsx (`output.write_report`) or JSON. Names schools, never people.

`source` is the package's only door to the rest of sos-sync. Nothing is imported here,
so the CLI can register the command without loading pandas or matplotlib.
"""
