CREATE TABLE `demo_sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`year` integer NOT NULL,
	`level` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `demo_sites_key` ON `demo_sites` (`org`,`year`);--> statement-breakpoint
CREATE TABLE `rating_campaigns` (
	`year` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`opened_at` integer NOT NULL,
	`opened_by` text NOT NULL,
	`notice_from` text,
	`notice_to` text,
	`filed_at` integer
);
--> statement-breakpoint
CREATE TABLE `rating_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`org` text NOT NULL,
	`self_stars` integer,
	`self_scores` text,
	`self_by` text,
	`self_at` integer,
	`committee_stars` integer,
	`committee_scores` text,
	`committee_by` text,
	`committee_at` integer,
	`city_stars` integer,
	`five_star_cancelled` integer DEFAULT 0 NOT NULL,
	`city_reason` text,
	`city_by` text,
	`city_at` integer,
	`final_stars` integer,
	`estimates` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rating_entries_key` ON `rating_entries` (`year`,`org`);--> statement-breakpoint
CREATE TABLE `rating_objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`org` text NOT NULL,
	`text` text NOT NULL,
	`raised_by` text NOT NULL,
	`raised_at` integer NOT NULL,
	`answer` text,
	`answered_by` text,
	`answered_at` integer
);
--> statement-breakpoint
CREATE INDEX `rating_objections_year` ON `rating_objections` (`year`,`org`);--> statement-breakpoint
CREATE TABLE `rating_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `rating_transitions_year` ON `rating_transitions` (`year`,`at`);--> statement-breakpoint
CREATE TABLE `ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`year` integer NOT NULL,
	`stars` integer NOT NULL,
	`rated_on` text,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ratings_key` ON `ratings` (`org`,`year`);--> statement-breakpoint
CREATE INDEX `ratings_year` ON `ratings` (`year`);--> statement-breakpoint
CREATE TABLE `star_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`change_id` text NOT NULL,
	`org` text NOT NULL,
	`effective_on` text NOT NULL,
	`stars` integer NOT NULL,
	`channel` text NOT NULL,
	`reason` text,
	`evidence` text,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `star_changes_key` ON `star_changes` (`change_id`);--> statement-breakpoint
CREATE INDEX `star_changes_org` ON `star_changes` (`org`,`effective_on`);--> statement-breakpoint
CREATE TABLE `weak_designations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org` text NOT NULL,
	`category` text NOT NULL,
	`reason` text,
	`designated_on` text NOT NULL,
	`designated_by` text NOT NULL,
	`city_leader` text,
	`township_leader` text,
	`township_leader_phone` text,
	`township_leader_email` text,
	`first_secretary` text,
	`paired_department` text,
	`removed_on` text,
	`removal_note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `weak_designations_org` ON `weak_designations` (`org`,`removed_on`);--> statement-breakpoint
CREATE TABLE `weak_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`designation_id` integer NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`resolution` text,
	`resolved_on` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `weak_items_designation` ON `weak_items` (`designation_id`,`kind`);