"""An in-memory backend with failure settings, for tests of the run (see `backend.py`)."""
