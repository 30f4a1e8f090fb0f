CREATE TABLE "export_usage" (
	"client_id" varchar(40) NOT NULL,
	"day" date NOT NULL,
	"rows" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "export_usage_pkey" PRIMARY KEY("client_id","day")
);
--> statement-breakpoint
ALTER TABLE "export_usage" ADD CONSTRAINT "export_usage_client_id_api_application_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_application"("client_id") ON DELETE cascade ON UPDATE no action;