CREATE TABLE "api_application" (
	"client_id" varchar(40) PRIMARY KEY NOT NULL,
	"client_secret_hash" varchar(64) NOT NULL,
	"name" varchar(150) NOT NULL,
	"description" varchar(10000) NOT NULL,
	"email" varchar(254) NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"rate_limit_model" varchar(20) DEFAULT 'standard' NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_application_name_key" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "api_token" (
	"token_hash" varchar(64) PRIMARY KEY NOT NULL,
	"client_id" varchar(40) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_verification" (
	"code_hash" varchar(64) PRIMARY KEY NOT NULL,
	"client_id" varchar(40) NOT NULL,
	"email" varchar(254) NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_client_id_api_application_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_application"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_verification" ADD CONSTRAINT "api_verification_client_id_api_application_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_application"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_token_client_id_idx" ON "api_token" USING btree ("client_id");