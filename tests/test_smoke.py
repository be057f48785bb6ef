from sos_sync.domain.programme import ProgrammeEvent


def test_programme_event_precision() -> None:
    assert ProgrammeEvent(key="ab", title="t", start="2025-06").precision == "month"
