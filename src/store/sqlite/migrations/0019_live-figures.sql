CREATE TABLE `live_figures` (
	`org` text PRIMARY KEY NOT NULL,
	`period` text NOT NULL,
	`computed_at` integer NOT NULL,
	`score` real,
	`grade` text,
	`stars` integer,
	`vetoed` integer NOT NULL,
	`colour` text,
	`data` text NOT NULL,
	`stamp` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_figures_stamp` ON `live_figures` (`stamp`);--> statement-breakpoint
CREATE TABLE `reevaluation_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`orgs` text NOT NULL,
	`requested_at` integer NOT NULL,
	`claimed_by` text,
	`claimed_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL
);
