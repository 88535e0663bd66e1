CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamptz NOT NULL,
    kind text NOT NULL,
    user_id bigint,
    session uuid,
    props jsonb,
    value double precision,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE daily_rollup (
    day date NOT NULL,
    kind text NOT NULL,
    n bigint NOT NULL,
    total double precision,
    PRIMARY KEY (day, kind)
);
