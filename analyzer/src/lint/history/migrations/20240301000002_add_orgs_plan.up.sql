SET lock_timeout = '2s';
ALTER TABLE orgs ADD COLUMN plan text NOT NULL DEFAULT 'free';
ALTER TABLE orgs ADD CONSTRAINT orgs_plan_known CHECK (plan IN ('free', 'team', 'enterprise')) NOT VALID;
