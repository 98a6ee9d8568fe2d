DROP INDEX "reports_period";--> statement-breakpoint
CREATE INDEX "reports_period_generated" ON "reports" USING btree ("period","kind","generated_at");