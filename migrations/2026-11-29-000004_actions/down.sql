DROP TABLE action_links;
DROP TABLE action_steps;
DROP TABLE action_partners;
DROP TABLE action_pilots;
DROP TABLE actions;
