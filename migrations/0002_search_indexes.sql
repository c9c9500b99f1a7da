-- Member search (QUALITY B3): the pinyin prefix search matches
-- name_initials OR name_pinyin; without an index on name_pinyin the OR forces
-- a sequential scan of person (county tier: ~20 ms; with this index the two
-- prefix conditions combine as a BitmapOr: ~2 ms on the whole county, < 0.5 ms
-- on a town committee's subtree; measured by `npm run bench -- b3`).
CREATE INDEX person_name_pinyin ON person (name_pinyin text_pattern_ops);
