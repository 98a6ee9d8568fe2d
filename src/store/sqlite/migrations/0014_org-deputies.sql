ALTER TABLE `orgs` ADD `deputy` text;--> statement-breakpoint
ALTER TABLE `orgs` ADD `deputy_phone` text;--> statement-breakpoint
ALTER TABLE `orgs` ADD `deputy_email` text;