"""The nightly run's sign-up form step (SPEC §3, §11): its event choices follow the programme.

The choices the programme offers tonight (its events still to come) are compared with
the ones the sign-up form was last brought to (`ops/forms_marker.py`); a quiet night,
where they are equal, sends no Forms request. Otherwise:

- google: the sign-up form is brought in step by the same code as `forms sync` (choices
  added, taken off, renamed; a lead's own questions and every response left alone);
- local: there is no form sos-sync can edit, so the morning report lists the changes a
  lead makes by hand (`sos-sync forms print` has every exact choice).

A failure here (the Forms API down, no form id) never fails the night: it is reported in
plain words, the marker is left as it was, and the next night tries again. On a
workspace's first night there is nothing to compare with: the google backend brings the
form in step, the local one only remembers the choices.
"""

from __future__ import annotations

import datetime as dt
import logging

from sos_sync.backends.base import Backend
from sos_sync.config.load import Config
from sos_sync.domain.form_design import event_choices
from sos_sync.domain.programme import LabelChanges, SignupFormNews, label_changes
from sos_sync.errors import SosSyncError
from sos_sync.ops.forms_marker import mark_synced, synced_choices

log = logging.getLogger("sos_sync.forms")


def signup_form_night(
    config: Config, today: dt.date, backend: Backend | None = None
) -> SignupFormNews | None:
    """Bring the sign-up form's choices in step when the programme's changed (see above).

    Returns what the morning report says (None: nothing to say). Never raises.
    """
    want = event_choices(config.programme, today)
    before = synced_choices(config.workspace)
    if before == want:
        return None
    no_form_id = not config.form_settings["signup"].form_id
    if config.backend != "google" or (before is None and no_form_id):
        try:
            mark_synced(config.workspace, want)
        except OSError as exc:  # said again tomorrow: better twice than never
            log.warning("the sign-up form's choices could not be remembered: %s", exc)
        if before is None:  # nothing to compare with (or sign-ups come from a linked sheet)
            return None
        return SignupFormNews(label_changes(before, want, config.programme), by_hand=True)
    try:
        news = _sync_google(config, today, backend)
    except Exception as exc:  # the rest of the night is done; this must not undo it
        log.warning("the sign-up form was not brought in step: %s", exc)
        expected = label_changes(before or (), want, config.programme)
        reason = str(exc) if isinstance(exc, SosSyncError) else f"{type(exc).__name__}: {exc}"
        return SignupFormNews(expected, error=reason.rstrip("."))
    log.info("sign-up form in step with the programme", extra={"changes": news.changes.phrases()})
    return news if news.changes or news.left_on else None


def _sync_google(config: Config, today: dt.date, backend: Backend | None) -> SignupFormNews:
    """`forms sync` for the sign-up form, on the night's own clients when it has them."""
    from sos_sync.backends.google.backend import GoogleBackend
    from sos_sync.backends.google.clients import GoogleClients
    from sos_sync.ops.forms import sync_signup

    clients = backend.clients if isinstance(backend, GoogleBackend) else GoogleClients(config)
    found = sync_signup(config, today, clients)
    if found is None:
        return SignupFormNews(LabelChanges())
    changes = label_changes(*found.choices, config.programme) if found.choices else LabelChanges()
    return SignupFormNews(changes, left_on=found.left_on)
