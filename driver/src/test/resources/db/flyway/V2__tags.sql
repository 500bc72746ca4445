-- Runs after note is tracked: the new column is captured from here on.
ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT '';
UPDATE note SET tags = 'inbox' WHERE title IS NULL;
