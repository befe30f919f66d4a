-- learnloop store, migration 3: the due-queue index covers the ranking
-- columns, so the due review cards are ranked from the index alone and only
-- the chosen ones are read from the table.

DROP INDEX cards_by_due;
CREATE INDEX cards_by_due ON cards (learner_id, state, due, last_review, stability, scheduled_days);
