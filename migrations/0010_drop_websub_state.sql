-- websub_state (0009) only said what websub_scopes already says: a version is settled when
-- every current scope is compared for it. The publisher reads websub_scopes alone.
DROP TABLE IF EXISTS websub_state;
