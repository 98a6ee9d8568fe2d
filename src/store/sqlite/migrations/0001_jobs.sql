CREATE TABLE `cycle_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`trigger` text NOT NULL,
	`as_of` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`stats` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `cycle_runs_kind_as_of` ON `cycle_runs` (`kind`,`as_of`);--> statement-breakpoint
CREATE TABLE `delivery_enqueues` (
	`delivery_id` integer PRIMARY KEY NOT NULL,
	`epoch` text NOT NULL,
	`enqueued_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_state` (
	`kind` text PRIMARY KEY NOT NULL,
	`expr` text NOT NULL,
	`since` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_ticks` (
	`kind` text NOT NULL,
	`tick_at` integer NOT NULL,
	`job_id` text NOT NULL,
	`status` text NOT NULL,
	`claimed_by` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`finished_at` integer,
	`attempts` integer DEFAULT 1 NOT NULL,
	`error` text,
	PRIMARY KEY(`kind`, `tick_at`)
);
