SET lock_timeout = '2s';
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES orgs (id),
    number text NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    currency text NOT NULL DEFAULT 'EUR',
    issued_at timestamptz NOT NULL DEFAULT now(),
    paid_at timestamptz,
    UNIQUE (org_id, number)
);
