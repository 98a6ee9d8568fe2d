CREATE TABLE `reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`designation_id` integer NOT NULL,
	`org` text NOT NULL,
	`month` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`sms_params` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_key` ON `reminders` (`kind`,`designation_id`,`month`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedup_key` text NOT NULL,
	`digest_id` integer,
	`report_id` integer,
	`reminder_id` integer,
	`route` text,
	`contacts` text,
	`channel` text NOT NULL,
	`logical` text NOT NULL,
	`recipient` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`not_before` integer NOT NULL,
	`send_day` text NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_until` integer,
	`claimed_by` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer,
	`provider_message_id` text,
	`last_error` text,
	`fallback_of` integer,
	CONSTRAINT "deliveries_one_source" CHECK(((digest_id IS NOT NULL) + (report_id IS NOT NULL) + (reminder_id IS NOT NULL)) = 1)
);
--> statement-breakpoint
INSERT INTO `__new_deliveries`("id", "dedup_key", "digest_id", "report_id", "reminder_id", "route", "contacts", "channel", "logical", "recipient", "status", "not_before", "send_day", "created_at", "claimed_until", "claimed_by", "attempts", "sent_at", "provider_message_id", "last_error", "fallback_of") SELECT "id", "dedup_key", "digest_id", "report_id", NULL, "route", "contacts", "channel", "logical", "recipient", "status", "not_before", "send_day", "created_at", "claimed_until", "claimed_by", "attempts", "sent_at", "provider_message_id", "last_error", "fallback_of" FROM `deliveries`;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_dedup` ON `deliveries` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `deliveries_status_due` ON `deliveries` (`status`,`not_before`);--> statement-breakpoint
CREATE INDEX `deliveries_recipient_day` ON `deliveries` (`recipient`,`send_day`);--> statement-breakpoint
CREATE INDEX `deliveries_sent_at` ON `deliveries` (`sent_at`);--> statement-breakpoint
CREATE INDEX `deliveries_digest` ON `deliveries` (`digest_id`);--> statement-breakpoint
CREATE INDEX `deliveries_report` ON `deliveries` (`report_id`);--> statement-breakpoint
CREATE INDEX `deliveries_reminder` ON `deliveries` (`reminder_id`);