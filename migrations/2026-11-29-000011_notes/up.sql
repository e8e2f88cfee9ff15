-- The follow-up journal of a fiche-action: dated notes written by those who follow it up.
CREATE TABLE notes (
    id uuid PRIMARY KEY,
    -- An action that has notes cannot be deleted: its journal would silently go with it.
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE RESTRICT,
    -- The day the note is about (not a timestamp: "on 12 March, the steering group met").
    date date NOT NULL,
    text text NOT NULL,
    -- Users are pseudonymised, never deleted: the note keeps pointing at its author.
    author_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
-- Serves the action's journal, newest first.
CREATE INDEX notes_action_id_date_idx ON notes (action_id, date DESC, created_at DESC);
CREATE INDEX notes_author_id_idx ON notes (author_id);
