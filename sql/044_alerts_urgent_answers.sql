-- Response alerts can fire for every urgent survey answer (src/enrich/urgency.ts), whatever its band.
ALTER TABLE alerts ADD COLUMN urgent_answers boolean NOT NULL DEFAULT false;
