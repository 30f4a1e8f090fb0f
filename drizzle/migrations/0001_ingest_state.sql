CREATE TABLE "deleted_media" (
	"media_type" varchar(16) NOT NULL,
	"identifier" uuid NOT NULL,
	"reason" varchar(200),
	"created_on" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deleted_media_pkey" PRIMARY KEY("media_type","identifier")
);
--> statement-breakpoint
DROP INDEX "audio_set_idx";--> statement-breakpoint
ALTER TABLE "search_generation" ADD COLUMN "previous_generation" integer;--> statement-breakpoint
ALTER TABLE "search_generation" ADD COLUMN "updated_through" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "search_generation" ADD COLUMN "pending_index" varchar(200);--> statement-breakpoint
ALTER TABLE "search_generation" ADD COLUMN "pending_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audio_audio_set_foreign_identifier_provider_idx" ON "audio" USING btree ("audio_set_foreign_identifier","provider");