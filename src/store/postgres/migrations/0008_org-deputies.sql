ALTER TABLE "orgs" ADD COLUMN "deputy" text;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "deputy_phone" text;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "deputy_email" text;