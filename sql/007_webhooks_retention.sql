-- Finished deliveries are kept for a while for the delivery log, then pruned.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
