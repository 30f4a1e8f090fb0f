CREATE TABLE "content_report" (
	"id" serial PRIMARY KEY NOT NULL,
	"media_type" varchar(16) NOT NULL,
	"identifier" uuid NOT NULL,
	"reason" varchar(20) NOT NULL,
	"description" varchar(500),
	"status" varchar(20) DEFAULT 'pending_review' NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_on" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sensitive_media" (
	"media_type" varchar(16) NOT NULL,
	"identifier" uuid NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sensitive_media_pkey" PRIMARY KEY("media_type","identifier")
);
--> statement-breakpoint
CREATE INDEX "content_report_status_idx" ON "content_report" USING btree ("status","media_type");--> statement-breakpoint
CREATE INDEX "content_report_identifier_idx" ON "content_report" USING btree ("identifier");