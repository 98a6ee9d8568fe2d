CREATE TABLE `reminder_designations` (
	`reminder_id` integer NOT NULL,
	`designation_id` integer NOT NULL,
	PRIMARY KEY(`reminder_id`, `designation_id`)
);
--> statement-breakpoint
DROP INDEX `reminders_key`;--> statement-breakpoint
ALTER TABLE `reminders` ADD `recipient_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Reminders planned before per-recipient keying: one per designation, named by it.
UPDATE `reminders` SET `recipient_key` = 'designation:' || `designation_id` WHERE `recipient_key` = '';--> statement-breakpoint
INSERT INTO `reminder_designations` (`reminder_id`, `designation_id`) SELECT `id`, `designation_id` FROM `reminders`;--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_recipient` ON `reminders` (`kind`,`recipient_key`,`month`);