DROP INDEX `meetings_org_type_held`;--> statement-breakpoint
CREATE INDEX `meetings_org_type_held` ON `meetings` (`org_id`,`type`,`held_at`,`expected`,`attended`,`minutes`,`lecturer_role`);