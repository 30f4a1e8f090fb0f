ALTER TABLE "audio" ADD COLUMN "language" varchar(8);--> statement-breakpoint
ALTER TABLE "image" ADD COLUMN "language" varchar(8);