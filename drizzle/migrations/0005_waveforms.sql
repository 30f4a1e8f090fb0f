CREATE TABLE "audio_waveform" (
	"identifier" uuid PRIMARY KEY NOT NULL,
	"peaks" jsonb NOT NULL,
	"created_on" timestamp with time zone DEFAULT now() NOT NULL
);
