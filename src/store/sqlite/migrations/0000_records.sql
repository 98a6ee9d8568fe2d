CREATE TABLE `imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file` text NOT NULL,
	`sha256` text NOT NULL,
	`table` text NOT NULL,
	`rows` integer NOT NULL,
	`inserted` integer NOT NULL,
	`updated` integer NOT NULL,
	`unchanged` integer NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` integer PRIMARY KEY NOT NULL,
	`record_id` text NOT NULL,
	`org_id` integer NOT NULL,
	`type` text NOT NULL,
	`held_at` integer NOT NULL,
	`expected` integer NOT NULL,
	`attended` integer NOT NULL,
	`minutes` integer,
	`lecturer_role` text,
	`topic` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meetings_record_id` ON `meetings` (`record_id`);--> statement-breakpoint
CREATE INDEX `meetings_org_type_held` ON `meetings` (`org_id`,`type`,`held_at`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`parent` text,
	`domain` text,
	`members` integer,
	`groups` integer DEFAULT 0 NOT NULL,
	`secretary` text,
	`secretary_phone` text,
	`secretary_email` text,
	`clerk` text,
	`clerk_phone` text,
	`clerk_email` text,
	`elected_on` text,
	`term_years` integer,
	`established_on` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orgs_code` ON `orgs` (`code`);--> statement-breakpoint
CREATE INDEX `orgs_parent` ON `orgs` (`parent`);