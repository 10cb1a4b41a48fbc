-- Uploaded CSV files are stored in 1 MB rows, compressed by TOAST. pglz compressed the 64 MB benchmark file
-- in 490–670 ms, inside the upload request; lz4 takes 118–139 ms (and decompresses faster when the job reads
-- the file back) for 18 MB stored instead of 15. Builds of PostgreSQL without lz4 keep pglz.
do $$
begin
    alter table bulk_file_chunks alter column data set compression lz4;
exception when feature_not_supported then
    raise notice 'this PostgreSQL build has no lz4: bulk files stay pglz-compressed';
end $$;
