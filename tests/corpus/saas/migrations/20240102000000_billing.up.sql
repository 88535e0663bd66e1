CREATE TABLE invoices (
    id bigserial PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    amount_cents bigint NOT NULL,
    currency char(3) NOT NULL DEFAULT 'EUR',
    issued_on date NOT NULL,
    paid_at timestamptz,
    lines jsonb NOT NULL DEFAULT '[]'
);
ALTER TABLE tenants ADD COLUMN deleted_at timestamptz;
