//! Where a store's tables live: on disk (sled), or in memory, for the core's tests, which
//! then go through the very commit path and reads the bot uses. Tables are named; a kind
//! of record the core keeps by key (`governance::kept`) brings its own name.

use super::StoreError;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use sled::Transactional;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// A table's rows, in key order.
pub type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Tables in memory, by name.
type Tables = BTreeMap<String, BTreeMap<Vec<u8>, Vec<u8>>>;

/// Why a transaction stopped: the store's error (it then writes nothing).
pub type Abort = ConflictableTransactionError<StoreError>;

/// What a transaction writes with, in any of its tables.
pub trait Writer {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort>;
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), Abort>;
    /// Removes the key; what it held, if anything.
    fn remove(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort>;
}

/// A store's tables.
pub trait Backend: Clone {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Every (key, value) of `table` whose key starts with `prefix`, in key order.
    fn scan(&self, table: &str, prefix: &[u8]) -> Result<Rows, StoreError>;
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError>;
    fn remove(&self, table: &str, key: &[u8]) -> Result<(), StoreError>;
    /// A number this store never gave before.
    fn next_id(&self) -> Result<u64, StoreError>;
    /// Runs `write` over `tables` at once: all it wrote is kept, or none of it.
    fn transaction(
        &self,
        tables: &[&str],
        write: &dyn Fn(&dyn Writer) -> Result<(), Abort>,
    ) -> Result<(), StoreError>;
    /// Everything written is on disk once this returns.
    fn flush(&self) -> Result<(), StoreError>;
}

/// sled: one tree a table, opened once.
#[derive(Clone)]
pub struct Sled {
    db: sled::Db,
    trees: Arc<Mutex<HashMap<String, sled::Tree>>>,
}

impl Sled {
    pub fn new(db: sled::Db) -> Sled {
        Sled {
            db,
            trees: Arc::default(),
        }
    }

    fn tree(&self, table: &str) -> Result<sled::Tree, StoreError> {
        // A poisoned lock only means another thread panicked while holding the map of
        // opened trees; the trees themselves are sled's and stay sound.
        let mut trees = self
            .trees
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(tree) = trees.get(table) {
            return Ok(tree.clone());
        }
        let tree = self.db.open_tree(table)?;
        trees.insert(table.to_string(), tree.clone());
        Ok(tree)
    }
}

/// sled's trees inside one transaction, by table name.
struct SledWriter<'a> {
    tables: &'a [&'a str],
    views: &'a [TransactionalTree],
}

impl SledWriter<'_> {
    fn view(&self, table: &str) -> Result<&TransactionalTree, Abort> {
        self.tables
            .iter()
            .position(|name| *name == table)
            .map(|at| &self.views[at])
            .ok_or_else(|| {
                Abort::Abort(StoreError::Corrupt(format!(
                    "the table {table} was written outside its transaction (a bug in coopgov)"
                )))
            })
    }
}

impl Writer for SledWriter<'_> {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort> {
        Ok(self.view(table)?.get(key)?.map(|value| value.to_vec()))
    }
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), Abort> {
        self.view(table)?.insert(key, value)?;
        Ok(())
    }
    fn remove(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort> {
        Ok(self.view(table)?.remove(key)?.map(|value| value.to_vec()))
    }
}

impl Backend for Sled {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree(table)?.get(key)?.map(|value| value.to_vec()))
    }
    fn scan(&self, table: &str, prefix: &[u8]) -> Result<Rows, StoreError> {
        self.tree(table)?
            .scan_prefix(prefix)
            .map(|item| {
                let (key, value) = item?;
                Ok((key.to_vec(), value.to_vec()))
            })
            .collect()
    }
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.tree(table)?.insert(key, value)?;
        Ok(())
    }
    fn remove(&self, table: &str, key: &[u8]) -> Result<(), StoreError> {
        self.tree(table)?.remove(key)?;
        Ok(())
    }
    fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()?)
    }
    fn transaction(
        &self,
        tables: &[&str],
        write: &dyn Fn(&dyn Writer) -> Result<(), Abort>,
    ) -> Result<(), StoreError> {
        let trees = tables
            .iter()
            .map(|table| self.tree(table))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&sled::Tree> = trees.iter().collect();
        refs.as_slice()
            .transaction(|views| write(&SledWriter { tables, views }))
            .map_err(|error| match error {
                sled::transaction::TransactionError::Abort(error) => error,
                sled::transaction::TransactionError::Storage(error) => StoreError::Sled(error),
            })
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

/// Tables in memory: what the core's tests keep, written the way the bot writes.
#[derive(Default)]
pub struct InMemory {
    tables: RefCell<Tables>,
    next: Cell<u64>,
}

/// A copy is a store of its own, as a test forking its state expects.
impl Clone for InMemory {
    fn clone(&self) -> InMemory {
        InMemory {
            tables: RefCell::new(self.tables.borrow().clone()),
            next: Cell::new(self.next.get()),
        }
    }
}

/// The tables a transaction writes, kept apart until it ends well.
struct MemoryWriter {
    tables: RefCell<Tables>,
}

fn get_in(tables: &Tables, table: &str, key: &[u8]) -> Option<Vec<u8>> {
    tables.get(table).and_then(|rows| rows.get(key).cloned())
}

fn insert_in(tables: &mut Tables, table: &str, key: &[u8], value: &[u8]) {
    tables
        .entry(table.to_string())
        .or_default()
        .insert(key.to_vec(), value.to_vec());
}

fn remove_in(tables: &mut Tables, table: &str, key: &[u8]) -> Option<Vec<u8>> {
    tables.get_mut(table).and_then(|rows| rows.remove(key))
}

impl Writer for MemoryWriter {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort> {
        Ok(get_in(&self.tables.borrow(), table, key))
    }
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), Abort> {
        insert_in(&mut self.tables.borrow_mut(), table, key, value);
        Ok(())
    }
    fn remove(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Abort> {
        Ok(remove_in(&mut self.tables.borrow_mut(), table, key))
    }
}

impl Backend for InMemory {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(get_in(&self.tables.borrow(), table, key))
    }
    fn scan(&self, table: &str, prefix: &[u8]) -> Result<Rows, StoreError> {
        Ok(self
            .tables
            .borrow()
            .get(table)
            .map(|rows| {
                rows.range(prefix.to_vec()..)
                    .take_while(|(key, _)| key.starts_with(prefix))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }
    fn insert(&self, table: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        insert_in(&mut self.tables.borrow_mut(), table, key, value);
        Ok(())
    }
    fn remove(&self, table: &str, key: &[u8]) -> Result<(), StoreError> {
        remove_in(&mut self.tables.borrow_mut(), table, key);
        Ok(())
    }
    fn next_id(&self) -> Result<u64, StoreError> {
        let id = self.next.get();
        self.next.set(id + 1);
        Ok(id)
    }
    fn transaction(
        &self,
        _tables: &[&str],
        write: &dyn Fn(&dyn Writer) -> Result<(), Abort>,
    ) -> Result<(), StoreError> {
        let writer = MemoryWriter {
            tables: RefCell::new(self.tables.borrow().clone()),
        };
        match write(&writer) {
            Ok(()) => {
                *self.tables.borrow_mut() = writer.tables.into_inner();
                Ok(())
            }
            Err(Abort::Abort(error)) => Err(error),
            Err(Abort::Conflict) => Err(StoreError::Corrupt(
                "a transaction in memory conflicted (a bug in coopgov)".to_string(),
            )),
            Err(Abort::Storage(error)) => Err(StoreError::Sled(error)),
        }
    }
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
