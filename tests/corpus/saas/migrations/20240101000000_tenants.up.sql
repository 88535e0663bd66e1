CREATE TYPE plan AS ENUM ('free', 'pro', 'enterprise');
CREATE TABLE tenants (
    id bigserial PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    plan plan NOT NULL DEFAULT 'free',
    seats int NOT NULL DEFAULT 1,
    trial_ends date,
    settings jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE members (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    user_email text NOT NULL,
    role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    invited_at timestamptz NOT NULL DEFAULT now(),
    accepted_at timestamptz,
    PRIMARY KEY (tenant_id, user_email)
);
