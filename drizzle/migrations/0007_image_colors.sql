CREATE TABLE "image_color" (
	"identifier" uuid PRIMARY KEY NOT NULL,
	"source_url" varchar(1000) NOT NULL,
	"colors" jsonb NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL
);
