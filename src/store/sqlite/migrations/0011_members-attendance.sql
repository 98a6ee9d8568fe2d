CREATE TABLE `attendance` (
	`meeting_id` integer PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`held_at` integer NOT NULL,
	`present` integer NOT NULL,
	`excused` integer NOT NULL,
	`absent` integer NOT NULL,
	`entries` text NOT NULL,
	`signed` text
);
--> statement-breakpoint
CREATE INDEX `attendance_org_held` ON `attendance` (`org_id`,`held_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`joined_on` text NOT NULL,
	`full_on` text,
	`flowing` integer,
	`phone` text,
	`left_on` text,
	`months` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_member_id` ON `members` (`member_id`);--> statement-breakpoint
CREATE INDEX `members_org` ON `members` (`org_id`);--> statement-breakpoint
DROP INDEX `alerts_key`;--> statement-breakpoint
ALTER TABLE `alerts` ADD `subject` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_key` ON `alerts` (`org`,`rule`,`period`,`subject`);--> statement-breakpoint
ALTER TABLE `meetings` ADD `place` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `chair` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `recorder` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `agenda` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `resolutions` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `duration_minutes` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `video` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `photos` integer;