CREATE TABLE `assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`indicator` text NOT NULL,
	`period` text NOT NULL,
	`score` real NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assessments_key` ON `assessments` (`org`,`indicator`,`period`);--> statement-breakpoint
CREATE TABLE `rectification_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`rule` text NOT NULL,
	`problem_period` text NOT NULL,
	`report_period` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`closed_at` integer,
	`note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rectification_items_key` ON `rectification_items` (`org`,`rule`,`problem_period`);--> statement-breakpoint
CREATE INDEX `rectification_items_org` ON `rectification_items` (`org`,`status`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`period` text NOT NULL,
	`kind` text NOT NULL,
	`generated_at` integer NOT NULL,
	`score` real,
	`grade` text,
	`stars` integer,
	`rank` integer,
	`committee_rank` integer,
	`data` text NOT NULL,
	`mail_status` text DEFAULT 'pending' NOT NULL,
	`mail_claimed_by` text,
	`mail_claimed_at` integer,
	`mailed_at` integer,
	`mail_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_key` ON `reports` (`org`,`period`,`kind`);--> statement-breakpoint
CREATE INDEX `reports_period` ON `reports` (`period`,`kind`);--> statement-breakpoint
CREATE TABLE `vetoes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`period` text NOT NULL,
	`item` text NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vetoes_key` ON `vetoes` (`org`,`period`,`item`);