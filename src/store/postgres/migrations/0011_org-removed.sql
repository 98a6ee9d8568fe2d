ALTER TABLE "orgs" ADD COLUMN "removed_at" bigint;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "removed_reason" text;