ALTER TABLE `orgs` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `orgs` ADD `removed_reason` text;