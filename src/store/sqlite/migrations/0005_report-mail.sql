ALTER TABLE `reports` ADD `mail_sent_to` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `mail_attempts` integer DEFAULT 0 NOT NULL;