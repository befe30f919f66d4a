-- learnloop store, migration 7: the audit log loses its index by subject.
-- The store never read through it (the audit query reads the log in order,
-- filtered), and every write paid for it: each audit entry went into the
-- index as well as the log, one more page written per transaction, about
-- a seventh of the time of a review recorded on its own (benches/store.rs).

DROP INDEX audit_log_by_subject;
