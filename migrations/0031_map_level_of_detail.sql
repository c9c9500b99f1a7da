-- Orgs by depth (B10, docs/DECISIONS.md "Map level of detail"):
-- * the map's level of detail: when a view holds more than 5,000 org points
--   the layer aggregates only the orgs down to the deepest level that stays
--   under that number, each carrying its subtree from the rollups; the probes
--   count org points by depth;
-- * the top org of a scope (ORDER BY nlevel(path), name LIMIT 1), which every
--   page without an explicit org asks for, walks this index instead of
--   sorting the whole scope.
CREATE INDEX org_level_name ON org (nlevel(path), name);
ANALYZE org;
