//! One hazard per file. `ALL` is the registry: the order of the docs' overview.

pub(crate) mod add_column_rewrite;
pub(crate) mod breaks_checked_query;
pub(crate) mod cluster_vacuum_full;
pub(crate) mod concurrently_in_transaction;
pub(crate) mod constraint_without_not_valid;
pub(crate) mod drop_breaks_code;
pub(crate) mod drop_index_not_concurrent;
pub(crate) mod enum_value_change;
pub(crate) mod foreign_key_without_index;
pub(crate) mod index_not_concurrent;
pub(crate) mod key_without_index;
pub(crate) mod missing_lock_timeout;
pub(crate) mod not_null_without_default;
pub(crate) mod prefer_bigint;
pub(crate) mod prefer_identity;
pub(crate) mod prefer_text;
pub(crate) mod prefer_timestamptz;
mod prefer_types;
pub(crate) mod reindex_not_concurrent;
pub(crate) mod rename_breaks_code;
pub(crate) mod set_not_null;
pub(crate) mod statement_after_access_exclusive;
pub(crate) mod type_change_rewrite;
pub(crate) mod unbounded_dml;
pub(crate) mod validate_in_same_transaction;

use super::Rule;

pub(crate) static ALL: &[&Rule] = &[
    &index_not_concurrent::RULE,
    &drop_index_not_concurrent::RULE,
    &reindex_not_concurrent::RULE,
    &concurrently_in_transaction::RULE,
    &add_column_rewrite::RULE,
    &not_null_without_default::RULE,
    &type_change_rewrite::RULE,
    &set_not_null::RULE,
    &constraint_without_not_valid::RULE,
    &validate_in_same_transaction::RULE,
    &key_without_index::RULE,
    &foreign_key_without_index::RULE,
    &statement_after_access_exclusive::RULE,
    &missing_lock_timeout::RULE,
    &unbounded_dml::RULE,
    &cluster_vacuum_full::RULE,
    &enum_value_change::RULE,
    &rename_breaks_code::RULE,
    &drop_breaks_code::RULE,
    &breaks_checked_query::RULE,
    &prefer_bigint::RULE,
    &prefer_identity::RULE,
    &prefer_timestamptz::RULE,
    &prefer_text::RULE,
];
