CREATE TABLE `alert_digest_items` (
	`digest_id` integer NOT NULL,
	`event_id` integer NOT NULL,
	`alert_id` integer NOT NULL,
	`org` text NOT NULL,
	`committee` text,
	`level` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`digest_id`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `alert_digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`recipient_key` text NOT NULL,
	`recipient_name` text,
	`contacts` text NOT NULL,
	`route` text NOT NULL,
	`level` text NOT NULL,
	`model` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_digests_key` ON `alert_digests` (`key`);--> statement-breakpoint
CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`level` text NOT NULL,
	`from_level` text,
	`reason` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `alert_events_alert` ON `alert_events` (`alert_id`);--> statement-breakpoint
CREATE TABLE `alert_outbox` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`alert_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`planned_at` integer,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `alert_outbox_planned` ON `alert_outbox` (`planned_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`rule` text NOT NULL,
	`period` text NOT NULL,
	`state` text NOT NULL,
	`level` text NOT NULL,
	`rule_level` text NOT NULL,
	`due_at` integer NOT NULL,
	`message` text NOT NULL,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer,
	`last_notified_at` integer,
	`notifications` integer DEFAULT 0 NOT NULL,
	`repeats` integer DEFAULT 0 NOT NULL,
	`ack_plan` text,
	`ack_by` text,
	`ack_deadline` integer,
	`ack_who` text,
	`ack_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_key` ON `alerts` (`org`,`rule`,`period`);--> statement-breakpoint
CREATE INDEX `alerts_state_org` ON `alerts` (`state`,`org`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedup_key` text NOT NULL,
	`digest_id` integer NOT NULL,
	`channel` text NOT NULL,
	`logical` text NOT NULL,
	`recipient` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`not_before` integer NOT NULL,
	`send_day` text NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer,
	`provider_message_id` text,
	`last_error` text,
	`fallback_of` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_dedup` ON `deliveries` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `deliveries_status_due` ON `deliveries` (`status`,`not_before`);--> statement-breakpoint
CREATE INDEX `deliveries_recipient_day` ON `deliveries` (`recipient`,`send_day`);--> statement-breakpoint
CREATE INDEX `deliveries_sent_at` ON `deliveries` (`sent_at`);--> statement-breakpoint
CREATE INDEX `deliveries_digest` ON `deliveries` (`digest_id`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`provider_message_id` text,
	`error` text,
	`error_code` text,
	`permanent` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery` ON `delivery_attempts` (`delivery_id`);