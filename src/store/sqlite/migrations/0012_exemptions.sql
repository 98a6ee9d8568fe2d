CREATE TABLE `exemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`rule` text,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`reason` text NOT NULL,
	`approver` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`ended_by` text,
	`end_note` text
);
--> statement-breakpoint
CREATE INDEX `exemptions_org` ON `exemptions` (`org`);