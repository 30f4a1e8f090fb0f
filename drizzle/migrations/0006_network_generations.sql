ALTER TABLE "search_generation" ADD COLUMN "shards" jsonb;--> statement-breakpoint
ALTER TABLE "search_generation" ADD COLUMN "previous_shards" jsonb;