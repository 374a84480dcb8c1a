//! The field type table.
