-- The shared gallery's prompt search asks the GIN index only for words rare among the newest shared images (see
-- Gallery.find); with one index over every image, a word common in private images but absent from shared ones read
-- all of its private matches to keep none (10-12 ms at 100,000 images, most of a search's cost under load). This
-- index holds the shared images alone; the full one stays for searches of one user's own images.
CREATE INDEX image_shared_prompt_search ON image USING gin (prompt_search) WHERE visibility = 'SHARED';
