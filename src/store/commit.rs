//! The one commit path: everything a step changes, written in one transaction over any
//! backend. What needs the store's ids or a scan is planned before the transaction (the
//! bot is the store's only writer, so nothing changes meanwhile).

use super::backend::{Abort, Backend, Writer};
use super::writes::{pool_writes, Writes};
use super::{
    decode, encode, handled_key, table, AuditRecord, OutboxEntry, StoreError, Stored, CURSOR, DONE,
    NEXT_NUMBER,
};
use crate::governance::{id_order, Effect, Step};
use chrono::{DateTime, Utc};

fn abort(error: StoreError) -> Abort {
    Abort::Abort(error)
}

impl<B: Backend> Stored<B> {
    /// Writes a step, and the cursor when given, in one transaction. Effects whose key
    /// was enqueued before are dropped: handling an event twice does nothing twice.
    pub fn commit(
        &self,
        step: &Step,
        cursor: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.commit_with(step, cursor, None, at)
    }

    /// Marks the outbox entry `seq` done and writes its follow-up step, atomically.
    pub fn complete_effect(
        &self,
        seq: u64,
        follow_up: &Step,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.commit_with(follow_up, None, Some(seq), at)
    }

    fn commit_with(
        &self,
        step: &Step,
        cursor: Option<&str>,
        completed: Option<u64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let history: Vec<(Vec<u8>, Vec<u8>)> = step
            .audit
            .iter()
            .map(|entry| {
                let mut key = entry.proposal.unwrap_or(0).to_be_bytes().to_vec();
                key.extend_from_slice(&self.backend.next_id()?.to_be_bytes());
                let record = AuditRecord {
                    at,
                    entry: entry.clone(),
                };
                Ok((key, encode(&record)))
            })
            .collect::<Result<_, StoreError>>()?;
        let new_effects: Vec<(u64, &Effect)> = step
            .effects
            .iter()
            .map(|effect| Ok((self.backend.next_id()?, effect)))
            .collect::<Result<_, StoreError>>()?;
        let (vote_writes, favourite_writes) = self.vote_writes(&step.votes)?;
        let pool_writes = pool_writes(&step.pool);
        let mut tables: Vec<&str> = table::ALL.to_vec();
        for kept in &step.kept {
            if !tables.contains(&kept.table) {
                tables.push(kept.table);
            }
        }
        let day = at.format("%Y-%m-%d").to_string();
        let write = |tx: &dyn Writer| -> Result<(), Abort> {
            apply(tx, table::VOTES, &vote_writes)?;
            apply(tx, table::FAVOURITES, &favourite_writes)?;
            apply(tx, table::JURY_POOL, &pool_writes)?;
            for kept in &step.kept {
                match &kept.value {
                    Some(value) => tx.insert(kept.table, kept.key.as_bytes(), value)?,
                    None => {
                        tx.remove(kept.table, kept.key.as_bytes())?;
                    }
                }
            }
            for account_id in &step.charged {
                let key = format!("{day}/{account_id}");
                let given = match tx.get(table::ALLOWANCES, key.as_bytes())? {
                    Some(bytes) => decode::<u32>(&bytes).map_err(abort)?,
                    None => 0,
                };
                tx.insert(table::ALLOWANCES, key.as_bytes(), &encode(&(given + 1)))?;
            }
            for (key, record) in &history {
                tx.insert(table::AUDIT, key, record)?;
            }
            let mut next = match tx.get(table::META, NEXT_NUMBER)? {
                Some(bytes) => decode::<u64>(&bytes).map_err(abort)?,
                None => 1,
            };
            for proposal in &step.proposals {
                let number = proposal.number.to_be_bytes();
                tx.insert(table::PROPOSALS, &number, &encode(proposal))?;
                let request = proposal.request.status_id.as_bytes();
                tx.insert(table::REQUESTS, request, &number)?;
                if let Some(ballot) = &proposal.ballot {
                    tx.insert(table::BALLOTS, ballot.status_id.as_bytes(), &number)?;
                }
                next = next.max(proposal.number + 1);
            }
            tx.insert(table::META, NEXT_NUMBER, &encode(&next))?;
            for (seq, effect) in &new_effects {
                let key = effect.key();
                if tx.get(table::EFFECT_KEYS, key.as_bytes())?.is_some() {
                    continue;
                }
                tx.insert(table::EFFECT_KEYS, key.as_bytes(), &seq.to_be_bytes())?;
                let entry = OutboxEntry {
                    effect: (*effect).clone(),
                    attempts: 0,
                    not_before: None,
                    sent_at: None,
                };
                tx.insert(table::OUTBOX, &seq.to_be_bytes(), &encode(&entry))?;
            }
            if let Some(id) = cursor {
                tx.insert(
                    table::HANDLED,
                    &handled_key(id),
                    &at.timestamp().to_be_bytes(),
                )?;
                // A late notification is handled without moving the cursor back.
                let newer = match tx.get(table::META, CURSOR)? {
                    Some(current) => id_order(id, &String::from_utf8_lossy(&current)).is_gt(),
                    None => true,
                };
                if newer {
                    tx.insert(table::META, CURSOR, id.as_bytes())?;
                }
            }
            if let Some(seq) = completed {
                if let Some(bytes) = tx.remove(table::OUTBOX, &seq.to_be_bytes())? {
                    let entry: OutboxEntry = decode(&bytes).map_err(abort)?;
                    tx.insert(table::EFFECT_KEYS, entry.effect.key().as_bytes(), DONE)?;
                }
            }
            Ok(())
        };
        self.backend.transaction(&tables, &write)
    }
}

/// Sets and removes `writes` in `table`, inside the step's transaction.
fn apply(tx: &dyn Writer, table: &str, writes: &Writes) -> Result<(), Abort> {
    for (key, value) in writes {
        match value {
            Some(value) => tx.insert(table, key, value)?,
            None => {
                tx.remove(table, key)?;
            }
        }
    }
    Ok(())
}
