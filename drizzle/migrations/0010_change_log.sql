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
CREATE INDEX "change_log_changed_at_idx" ON "change_log" USING btree ("changed_at");