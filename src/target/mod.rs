//! The target: which ORM and which execution mode the generated code is written for.
//!
//! Everything that differs between ORMs lives behind one trait, [`OrmDialect`], chosen once from
//! the model ([`Target::dialect`]); the context asks it for column declarations, column
//! expressions, the session class and their imports, and never branches on the ORM itself.
//! The differences of the execution mode are mechanical (`async def` or `def`, `await` or
//! nothing) and reach the templates as the strings of [`TargetView`]. Whole files that differ
//! for an ORM are template overlays (`templates/orm/<orm>/`, see `render`).

use serde::Serialize;

use crate::model::{FieldType, Project};
use crate::python::Imports;
use crate::spec::{Mode, Orm};

mod sqlalchemy;
mod sqlmodel;

/// One table column as the model module declares it, whatever the ORM.
#[derive(Debug, Clone)]
pub struct Column<'a> {
    pub name: &'a str,
    pub ty: FieldType,
    /// The Python type of the attribute, without `| None`.
    pub python: String,
    pub optional: bool,
    /// The Python default (an expression), if the field has one.
    pub default: Option<String>,
    /// Text columns: the VARCHAR length (None: unbounded `VARCHAR`).
    pub max_length: Option<u32>,
    /// Decimals: digits and places.
    pub precision: u32,
    pub scale: u32,
    /// Enums: the enum class the column stores.
    pub enum_class: Option<String>,
    /// `(table, ON DELETE action)` of a foreign key to `<table>.id`.
    pub foreign_key: Option<(String, &'static str)>,
    pub unique: bool,
    pub index: bool,
}

/// What differs between the ORMs a project can be generated for.
pub trait OrmDialect: Sync {
    /// `    title: str = Field(max_length=200)`: the attribute declaration of a table model,
    /// adding what it uses to `imports`.
    fn column(&self, column: &Column<'_>, imports: &mut Imports) -> String;

    /// What follows the base class in a table model's class statement (`, table=True`).
    fn table_keywords(&self) -> &'static str;

    /// The session class of `mode`, as `(module, name)`.
    fn session(&self, mode: Mode) -> (&'static str, &'static str);

    /// The ORM's name in prose (`SQLModel`, `SQLAlchemy 2.0`).
    fn label(&self) -> &'static str;

    /// The distribution the models are written with, besides SQLAlchemy (a pyproject line).
    fn dependency(&self) -> Option<&'static str>;
}

/// The ORM and mode of one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub orm: Orm,
    pub mode: Mode,
}

impl Target {
    pub fn of(project: &Project) -> Target {
        Target {
            orm: project.orm,
            mode: project.mode,
        }
    }

    /// The one place the ORM is looked at: every ORM difference goes through what this returns.
    pub fn dialect(self) -> &'static dyn OrmDialect {
        match self.orm {
            Orm::Sqlmodel => &sqlmodel::SqlModel,
            Orm::Sqlalchemy => &sqlalchemy::SqlAlchemy,
        }
    }

    pub fn is_async(self) -> bool {
        self.mode == Mode::Async
    }

    /// `await ` before a call, in async code; nothing in sync code.
    pub fn await_prefix(self) -> &'static str {
        if self.is_async() { "await " } else { "" }
    }

    /// The four targets, for tests that render each.
    pub fn all() -> [Target; 4] {
        [
            (Orm::Sqlmodel, Mode::Async),
            (Orm::Sqlmodel, Mode::Sync),
            (Orm::Sqlalchemy, Mode::Async),
            (Orm::Sqlalchemy, Mode::Sync),
        ]
        .map(|(orm, mode)| Target { orm, mode })
    }

    pub fn view(self) -> TargetView {
        let dialect = self.dialect();
        let (session_module, session_class) = dialect.session(self.mode);
        let is_async = self.is_async();
        let pick = |a: &'static str, s: &'static str| if is_async { a } else { s };
        TargetView {
            orm: self.orm.as_str(),
            orm_label: dialect.label(),
            mode: self.mode.as_str(),
            is_async,
            def: pick("async def", "def"),
            await_: pick("await ", ""),
            awaited_open: pick("(await ", ""),
            awaited_close: pick(")", ""),
            with: pick("async with", "with"),
            iterator: pick("AsyncIterator", "Iterator"),
            session_module,
            session_class,
            engine_class: pick("AsyncEngine", "Engine"),
            sessionmaker: pick("async_sessionmaker", "sessionmaker"),
            pg_driver: pick("postgresql+asyncpg", "postgresql+psycopg"),
            sqlite_driver: pick("sqlite+aiosqlite", "sqlite"),
            orm_dependency: dialect.dependency(),
        }
    }
}

/// The target as templates see it (`target.def`, `target.await_`...): the mechanical
/// differences of async and sync code, and the names an ORM gives to shared things.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub orm: &'static str,
    pub orm_label: &'static str,
    pub mode: &'static str,
    pub is_async: bool,
    /// `async def` or `def`.
    pub def: &'static str,
    /// `await ` or nothing.
    pub await_: &'static str,
    /// `(await ` and `)` around a call whose result is used at once, or nothing.
    pub awaited_open: &'static str,
    pub awaited_close: &'static str,
    /// `async with` or `with`.
    pub with: &'static str,
    /// `AsyncIterator` or `Iterator` (from `collections.abc`).
    pub iterator: &'static str,
    pub session_module: &'static str,
    pub session_class: &'static str,
    /// `AsyncEngine` or `Engine`, and the session factory's class.
    pub engine_class: &'static str,
    pub sessionmaker: &'static str,
    /// The SQLAlchemy drivers of PostgreSQL and SQLite (`postgresql+asyncpg`...).
    pub pg_driver: &'static str,
    pub sqlite_driver: &'static str,
    /// The ORM's own distribution (`sqlmodel>=...`), when it is not plain SQLAlchemy.
    pub orm_dependency: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title() -> Column<'static> {
        Column {
            name: "title",
            ty: FieldType::String,
            python: "str".into(),
            optional: false,
            default: None,
            max_length: Some(200),
            precision: 10,
            scale: 2,
            enum_class: None,
            foreign_key: None,
            unique: false,
            index: true,
        }
    }

    #[test]
    fn each_orm_declares_a_column_its_own_way() {
        let mut imports = Imports::default();
        let sqlmodel = Target::all()[0].dialect().column(&title(), &mut imports);
        assert_eq!(
            sqlmodel,
            "    title: str = Field(max_length=200, index=True)"
        );
        assert_eq!(imports.render(), "from sqlmodel import Field");
        let mut imports = Imports::default();
        let sqlalchemy = Target::all()[2].dialect().column(&title(), &mut imports);
        assert_eq!(
            sqlalchemy,
            "    title: Mapped[str] = mapped_column(sa.String(length=200), index=True)"
        );
        assert_eq!(
            imports.render(),
            "import sqlalchemy as sa\nfrom sqlalchemy.orm import Mapped, mapped_column"
        );
    }

    #[test]
    fn sync_code_has_no_await() {
        let view = Target::all()[3].view();
        assert_eq!((view.def, view.await_, view.with), ("def", "", "with"));
        assert_eq!(view.session_class, "Session");
        assert_eq!(view.session_module, "sqlalchemy.orm");
    }
}
