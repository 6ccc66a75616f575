//! Reading a migrated schema back from the database, so a test can prove the
//! SQLite and PostgreSQL migration folders describe the same tables.

use super::{Backend, Db};
use sqlx::Row;
use std::collections::BTreeMap;

/// A column as both backends can describe it: its name, a portable type
/// class, and whether it may hold NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_class: &'static str,
    pub nullable: bool,
}

pub type TableSchema = BTreeMap<String, Vec<Column>>;

/// Tables and their columns, in order, leaving out migration bookkeeping
/// (tables whose names start with `_`).
pub async fn introspect(db: &Db) -> Result<TableSchema, sqlx::Error> {
    let rows = match db.backend() {
        Backend::Sqlite => {
            sqlx::query(
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                        (p.\"notnull\" = 0 AND p.pk = 0) AS nullable_flag \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND substr(m.name, 1, 1) <> '_' \
                 ORDER BY m.name, p.cid",
            )
            .fetch_all(db.reader())
            .await?
        }
        Backend::Postgres => {
            sqlx::query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                        data_type::text AS data_type, \
                        CASE WHEN is_nullable::text = 'YES' THEN 1 ELSE 0 END AS nullable_flag \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND substr(table_name::text, 1, 1) <> '_' \
                 ORDER BY table_name, ordinal_position",
            )
            .fetch_all(db.reader())
            .await?
        }
    };
    let mut schema = TableSchema::new();
    for row in rows {
        let table: String = row.try_get("table_name")?;
        let data_type: String = row.try_get("data_type")?;
        let nullable: i64 = row.try_get("nullable_flag")?;
        schema.entry(table).or_default().push(Column {
            name: row.try_get("column_name")?,
            type_class: type_class(&data_type),
            nullable: nullable != 0,
        });
    }
    Ok(schema)
}

/// Maps a declared type to the class that decides how `Any` decodes it.
fn type_class(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") {
        "integer"
    } else if declared.contains("bool") {
        "boolean"
    } else if declared.contains("blob") || declared.contains("bytea") {
        "bytes"
    } else if declared.contains("char") || declared.contains("text") {
        "text"
    } else {
        "other"
    }
}

/// One disagreement between two schemas, said so a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDiff(pub String);

/// Every table and column that differs between `left` and `right`.
pub fn diff_schemas(
    left_name: &str,
    left: &TableSchema,
    right_name: &str,
    right: &TableSchema,
) -> Vec<SchemaDiff> {
    let mut diffs = Vec::new();
    for (table, left_columns) in left {
        let Some(right_columns) = right.get(table) else {
            diffs.push(SchemaDiff(format!(
                "table {table} exists on {left_name} only"
            )));
            continue;
        };
        diffs.extend(diff_columns(
            table,
            left_name,
            left_columns,
            right_name,
            right_columns,
        ));
    }
    for table in right.keys().filter(|t| !left.contains_key(*t)) {
        diffs.push(SchemaDiff(format!(
            "table {table} exists on {right_name} only"
        )));
    }
    diffs
}

fn diff_columns(
    table: &str,
    left_name: &str,
    left: &[Column],
    right_name: &str,
    right: &[Column],
) -> Vec<SchemaDiff> {
    let mut diffs = Vec::new();
    for column in left {
        match right.iter().find(|c| c.name == column.name) {
            None => diffs.push(SchemaDiff(format!(
                "column {table}.{} exists on {left_name} only",
                column.name
            ))),
            Some(other) if other != column => diffs.push(SchemaDiff(format!(
                "column {table}.{} is {} {} on {left_name} but {} {} on {right_name}",
                column.name,
                column.type_class,
                nullability(column.nullable),
                other.type_class,
                nullability(other.nullable),
            ))),
            Some(_) => {}
        }
    }
    for column in right
        .iter()
        .filter(|c| !left.iter().any(|l| l.name == c.name))
    {
        diffs.push(SchemaDiff(format!(
            "column {table}.{} exists on {right_name} only",
            column.name
        )));
    }
    diffs
}

fn nullability(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, type_class: &'static str, nullable: bool) -> Column {
        Column {
            name: name.into(),
            type_class,
            nullable,
        }
    }

    #[test]
    fn a_column_on_one_side_only_is_reported() {
        let left = TableSchema::from([(
            "sellers".to_string(),
            vec![column("id", "text", false), column("email", "text", false)],
        )]);
        let mut right = left.clone();
        right
            .get_mut("sellers")
            .unwrap()
            .push(column("nickname", "text", true));
        let diffs = diff_schemas("sqlite", &left, "postgres", &right);
        assert_eq!(
            diffs,
            vec![SchemaDiff(
                "column sellers.nickname exists on postgres only".into()
            )]
        );
    }

    #[test]
    fn type_and_nullability_differences_are_reported() {
        let left = TableSchema::from([("t".to_string(), vec![column("a", "integer", false)])]);
        let right = TableSchema::from([("t".to_string(), vec![column("a", "text", true)])]);
        let diffs = diff_schemas("sqlite", &left, "postgres", &right);
        assert_eq!(diffs.len(), 1);
        assert!(
            diffs[0]
                .0
                .contains("integer NOT NULL on sqlite but text NULL")
        );
    }

    #[test]
    fn declared_types_map_to_portable_classes() {
        assert_eq!(type_class("BIGINT"), "integer");
        assert_eq!(type_class("integer"), "integer");
        assert_eq!(type_class("character varying"), "text");
        assert_eq!(type_class("BYTEA"), "bytes");
        assert_eq!(type_class("BOOLEAN"), "boolean");
    }
}
