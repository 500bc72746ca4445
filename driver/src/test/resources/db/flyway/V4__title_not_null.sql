-- SQLite cannot add a NOT NULL constraint in place: the rebuild every SQLite migration guide shows.
CREATE TABLE note_new(id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '');
INSERT INTO note_new(id, title, tags) SELECT id, coalesce(title, ''), tags FROM note;
DROP TABLE note;
ALTER TABLE note_new RENAME TO note;
