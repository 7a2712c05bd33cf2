DROP TABLE customer_counts;
