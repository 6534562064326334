-- Surveys by e-mail on repeat (settings.recurring): when an instance last
-- looked for customers due an invitation, so instances ticking together look once.
ALTER TABLE surveys ADD COLUMN recurring_checked_at timestamptz;
