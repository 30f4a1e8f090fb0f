CREATE TABLE "change_horizon" (
	"media_type" varchar(16) PRIMARY KEY NOT NULL,
	"pruned_through" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_log" (
	"media_type" varchar(16) NOT NULL,
	"seq" bigserial NOT NULL,
	"op" char(1) NOT NULL,
	"identifier" uuid NOT NULL,
	"generation" integer NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_log_pkey" PRIMARY KEY("media_type","seq")
);
--> statement-breakpoint
CREATE TABLE "export_usage" (
	"client_id" varchar(40) NOT NULL,
	"day" date NOT NULL,
	"rows" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "export_usage_pkey" PRIMARY KEY("client_id","day")
);
--> statement-breakpoint
ALTER TABLE "export_usage" ADD CONSTRAINT "export_usage_client_id_api_application_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_application"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_log_changed_at_idx" ON "change_log" USING btree ("changed_at");