CREATE TABLE "audio" (
	"identifier" uuid PRIMARY KEY NOT NULL,
	"created_on" timestamp with time zone NOT NULL,
	"updated_on" timestamp with time zone NOT NULL,
	"foreign_identifier" varchar(1000),
	"title" varchar(5000),
	"description" text,
	"foreign_landing_url" varchar(1000),
	"url" varchar(1000) NOT NULL,
	"thumbnail" varchar(1000),
	"creator" varchar(2000),
	"creator_url" varchar(2000),
	"license" varchar(50) NOT NULL,
	"license_version" varchar(25),
	"license_url" varchar(1000),
	"provider" varchar(80),
	"source" varchar(80),
	"category" varchar(80),
	"filesize" integer,
	"filetype" varchar(80),
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mature" boolean DEFAULT false NOT NULL,
	"standardized_popularity" double precision,
	"genres" text[],
	"duration" integer,
	"bit_rate" integer,
	"sample_rate" integer,
	"alt_files" jsonb,
	"audio_set_foreign_identifier" varchar(1000)
);
--> statement-breakpoint
CREATE TABLE "audioset" (
	"foreign_identifier" varchar(1000) NOT NULL,
	"provider" varchar(80) NOT NULL,
	"title" varchar(2000),
	"foreign_landing_url" varchar(1000),
	"creator" varchar(2000),
	"creator_url" varchar(2000),
	"url" varchar(1000),
	"filesize" integer,
	"filetype" varchar(80),
	"thumbnail" varchar(1000),
	CONSTRAINT "audioset_pkey" PRIMARY KEY("foreign_identifier","provider")
);
--> statement-breakpoint
CREATE TABLE "content_provider" (
	"provider_identifier" varchar(50) NOT NULL,
	"media_type" varchar(80) NOT NULL,
	"provider_name" varchar(250) NOT NULL,
	"domain_name" varchar(500),
	"logo_url" varchar(1000),
	"filter_content" boolean DEFAULT false NOT NULL,
	"notes" text,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "content_provider_pkey" PRIMARY KEY("provider_identifier","media_type")
);
--> statement-breakpoint
CREATE TABLE "image" (
	"identifier" uuid PRIMARY KEY NOT NULL,
	"created_on" timestamp with time zone NOT NULL,
	"updated_on" timestamp with time zone NOT NULL,
	"foreign_identifier" varchar(1000),
	"title" varchar(5000),
	"description" text,
	"foreign_landing_url" varchar(1000),
	"url" varchar(1000) NOT NULL,
	"thumbnail" varchar(1000),
	"creator" varchar(2000),
	"creator_url" varchar(2000),
	"license" varchar(50) NOT NULL,
	"license_version" varchar(25),
	"license_url" varchar(1000),
	"provider" varchar(80),
	"source" varchar(80),
	"category" varchar(80),
	"filesize" integer,
	"filetype" varchar(80),
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mature" boolean DEFAULT false NOT NULL,
	"standardized_popularity" double precision,
	"width" integer,
	"height" integer
);
--> statement-breakpoint
CREATE TABLE "search_generation" (
	"media_type" varchar(16) PRIMARY KEY NOT NULL,
	"generation" integer NOT NULL,
	"live_index" varchar(200) NOT NULL,
	"previous_index" varchar(200),
	"document_count" integer NOT NULL,
	"promoted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audio_source_idx" ON "audio" USING btree ("source");--> statement-breakpoint
CREATE INDEX "audio_updated_on_idx" ON "audio" USING btree ("updated_on");--> statement-breakpoint
CREATE INDEX "audio_set_idx" ON "audio" USING btree ("audio_set_foreign_identifier","provider");--> statement-breakpoint
CREATE INDEX "image_source_idx" ON "image" USING btree ("source");--> statement-breakpoint
CREATE INDEX "image_updated_on_idx" ON "image" USING btree ("updated_on");