ALTER TABLE "audio" ADD COLUMN "user_reported_sensitive" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "audio" ADD COLUMN "sensitive_text" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "image" ADD COLUMN "user_reported_sensitive" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "image" ADD COLUMN "sensitive_text" boolean DEFAULT false NOT NULL;