-- The gallery's prompt search at 100,000 images: EXPLAIN ANALYZE of the search V1 ran (locate() over lower(prompt),
-- as Hibernate renders it) and of the full-text search V3 added, for a query with no match and for common words.
-- Run against a migrated studio database that nobody is using (it holds locks until it ends); everything it adds is
-- rolled back:
--   psql -h HOST -p PORT -U postgres -f bench/search.sql
BEGIN;
-- the rows go straight into the GIN index, as they are after autovacuum has merged its pending list
ALTER INDEX image_prompt_search SET (fastupdate = off);
INSERT INTO app_user (username, password_hash, role) VALUES ('search-bench', 'x', 'USER');
INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
SELECT id, 'TEXT_TO_IMAGE', 'SUCCEEDED', '{}', 'bench', 1, 3, 'tiny', 'bench' FROM app_user WHERE username = 'search-bench';
-- half of them shared, six prompts in turn
INSERT INTO image (job_id, owner_id, index_in_job, visibility, seed, width, height, prompt, params)
SELECT j.id, j.owner_id, g, CASE WHEN g % 2 = 0 THEN 'SHARED' ELSE 'PRIVATE' END, g, 64, 64,
       (ARRAY['a red circle at the top', 'a blue square', 'two green triangles', 'a yellow star in the night sky',
              'portrait of a cat wearing a hat', 'mountains at sunset, oil painting'])[1 + g % 6] || ' #' || g, '{}'
FROM generate_series(1, 100000) g, (SELECT id, owner_id FROM job WHERE pack_version = 'bench') j;
ANALYZE image;

\echo 'V1, no match'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, prompt FROM image
WHERE visibility = 'SHARED' AND position('zebra' in lower(prompt)) > 0 ORDER BY id DESC LIMIT 25;
\echo 'V3 as Gallery runs it, no match'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH matches AS MATERIALIZED (SELECT id, prompt FROM image
WHERE visibility = 'SHARED' AND prompt_search @@ websearch_to_tsquery('english', 'zebra'))
SELECT id, prompt FROM matches ORDER BY id DESC LIMIT 25;
\echo 'V3 as Gallery runs it, words in any order and another form (a third of the shared images match)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH matches AS MATERIALIZED (SELECT id, prompt FROM image
WHERE visibility = 'SHARED' AND prompt_search @@ websearch_to_tsquery('english', 'circles red'))
SELECT id, prompt FROM matches ORDER BY id DESC LIMIT 25;
\echo 'Gallery now, step 1: the newest 2,000 shared images tested newest first; a common word stops after a few dozen'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, prompt, visibility FROM (SELECT id, prompt, visibility, prompt_search
FROM image WHERE visibility = 'SHARED' ORDER BY id DESC LIMIT 2000) recent
WHERE true AND prompt_search @@ websearch_to_tsquery('english', 'circles red') ORDER BY id DESC LIMIT 25;
\echo 'Gallery now, step 1 for a word with no match: all 2,000 tested (then step 2, the GIN query above, finds nothing)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, prompt, visibility FROM (SELECT id, prompt, visibility, prompt_search
FROM image WHERE visibility = 'SHARED' ORDER BY id DESC LIMIT 2000) recent
WHERE true AND prompt_search @@ websearch_to_tsquery('english', 'zebra') ORDER BY id DESC LIMIT 25;
\echo 'V3 left to the planner (not used), no match: it walks the id index'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, prompt FROM image
WHERE visibility = 'SHARED' AND prompt_search @@ websearch_to_tsquery('english', 'zebra') ORDER BY id DESC LIMIT 25;
\echo 'V3 left to the planner (not used), a third of the shared images match'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, prompt FROM image
WHERE visibility = 'SHARED' AND prompt_search @@ websearch_to_tsquery('english', 'circles red') ORDER BY id DESC LIMIT 25;
ROLLBACK;
