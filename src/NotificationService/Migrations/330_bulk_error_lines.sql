-- A rejected CSV row is reported by its record number (row_number: 1 = the first row after the header, what a
-- spreadsheet shows) and by the file line it starts on (line: differs once a quoted field spans lines).
alter table bulk_errors add column line bigint;
