-- Prompt search by words: English stemming ("circles" finds "circle"), words in any order, through a GIN index, so
-- that a search costs what its matches cost instead of a scan of every image (V1 searched with locate() over
-- lower(prompt)). Adding the stored column rewrites the image table once; image rows are small (the PNG bytes live
-- in image_data).
ALTER TABLE image ADD COLUMN prompt_search tsvector
    GENERATED ALWAYS AS (to_tsvector('english', coalesce(prompt, ''))) STORED;
CREATE INDEX image_prompt_search ON image USING gin (prompt_search);
