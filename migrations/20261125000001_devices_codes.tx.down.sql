DROP TABLE device_history;
--bun:split
DROP TABLE codes;
--bun:split
DROP TABLE device_status_counts;
--bun:split
DROP TABLE devices;
