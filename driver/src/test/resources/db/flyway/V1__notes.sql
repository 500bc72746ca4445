CREATE TABLE note(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT);
INSERT INTO note VALUES ('n1', 'one', 'first'), ('n2', 'two', NULL), ('n3', NULL, 'x');
