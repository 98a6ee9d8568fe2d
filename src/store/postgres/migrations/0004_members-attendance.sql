CREATE TABLE "attendance" (
	"meeting_id" integer PRIMARY KEY NOT NULL,
	"org_id" integer NOT NULL,
	"held_at" bigint NOT NULL,
	"present" integer NOT NULL,
	"excused" integer NOT NULL,
	"absent" integer NOT NULL,
	"entries" text NOT NULL,
	"signed" text
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" integer PRIMARY KEY NOT NULL,
	"member_id" text NOT NULL,
	"org_id" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"joined_on" text NOT NULL,
	"full_on" text,
	"flowing" integer,
	"phone" text,
	"left_on" text,
	"months" text
);
--> statement-breakpoint
DROP INDEX "alerts_key";--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "place" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "chair" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "recorder" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "agenda" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "resolutions" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "duration_minutes" integer;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "video" integer;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "photos" integer;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "subject" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "attendance_org_held" ON "attendance" USING btree ("org_id","held_at");--> statement-breakpoint
CREATE UNIQUE INDEX "members_member_id" ON "members" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "members_org" ON "members" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_key" ON "alerts" USING btree ("org","rule","period","subject");