CREATE TABLE notes (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    body text NOT NULL,
    pinned boolean NOT NULL DEFAULT false,
    archived_at timestamptz
);
ALTER TABLE accounts ADD COLUMN bio text;
CREATE TABLE files (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    content bytea NOT NULL,
    thumbnail bytea
);
-- Enums for checked queries (tests/tests/enums.rs and the ui/enum_*.rs cases).
CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood ADD VALUE 'happy';
CREATE TYPE weather AS ENUM ('sunny', 'rainy', 'very cloudy');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE diary (
    id bigserial PRIMARY KEY,
    mood mood NOT NULL,
    maybe mood,
    moods mood[] NOT NULL DEFAULT '{}',
    weather weather
);
-- Ranges and composite types for checked queries (tests/tests/ranges.rs, composites.rs and the
-- ui/composite_*.rs cases).
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE bookings (
    id bigserial PRIMARY KEY,
    during tstzrange NOT NULL,
    nights daterange,
    seats int4range,
    price numrange,
    score floatrange,
    sizes int8range[] NOT NULL DEFAULT '{}',
    free int4multirange
);
CREATE TYPE address AS (street text, zip int, city varchar(80));
CREATE TYPE place AS (label text, at address, note text);
ALTER TYPE place ADD ATTRIBUTE tags text[], DROP ATTRIBUTE note;
CREATE TABLE contacts (
    id bigserial PRIMARY KEY,
    home address NOT NULL,
    work address,
    past address[] NOT NULL DEFAULT '{}',
    favourite place
);
