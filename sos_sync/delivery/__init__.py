"""Getting documents to schools: PDF copies, the outbox, sending by e-mail (SPEC §8)."""
