ALTER TABLE `reports` DROP COLUMN `mail_status`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mail_claimed_by`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mail_claimed_at`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mailed_at`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mail_error`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mail_sent_to`;--> statement-breakpoint
ALTER TABLE `reports` DROP COLUMN `mail_attempts`;