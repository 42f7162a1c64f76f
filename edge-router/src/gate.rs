//! Admission of client connections: a cap on open connections for the node and per client IP
//! address. Taken once per connection (never per request), in shards so that accept loops on
//! different workers rarely meet on a lock.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SHARDS: usize = 16;

/// Counts open connections, node-wide and per IP.
pub struct Gate {
    max_total: usize,
    max_per_ip: usize,
    total: AtomicUsize,
    per_ip: [Mutex<HashMap<IpAddr, usize>>; SHARDS],
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NodeFull,
    TooManyFromIp,
}

/// An admitted connection; dropping it frees its place.
pub struct Pass {
    gate: Arc<Gate>,
    ip: IpAddr,
}

impl Gate {
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<Gate> {
        Arc::new(Gate {
            max_total,
            max_per_ip,
            total: AtomicUsize::new(0),
            per_ip: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        })
    }

    fn shard(&self, ip: &IpAddr) -> &Mutex<HashMap<IpAddr, usize>> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ip.hash(&mut h);
        &self.per_ip[(h.finish() as usize) % SHARDS]
    }

    /// Admits a connection from `ip`, or says why not.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Pass, Refused> {
        if self.total.fetch_add(1, Ordering::AcqRel) >= self.max_total {
            self.total.fetch_sub(1, Ordering::AcqRel);
            return Err(Refused::NodeFull);
        }
        let mut shard = self.shard(&ip).lock().unwrap_or_else(|e| e.into_inner());
        let count = shard.entry(ip).or_insert(0);
        if *count >= self.max_per_ip {
            drop(shard);
            self.total.fetch_sub(1, Ordering::AcqRel);
            return Err(Refused::TooManyFromIp);
        }
        *count += 1;
        Ok(Pass {
            gate: self.clone(),
            ip,
        })
    }

    /// Open connections now.
    pub fn open(&self) -> usize {
        self.total.load(Ordering::Acquire)
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut shard = self
            .gate
            .shard(&self.ip)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(count) = shard.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                shard.remove(&self.ip);
            }
        }
        drop(shard);
        self.gate.total.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_ip_and_in_total() {
        let gate = Gate::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let p1 = gate.admit(a).unwrap();
        let _p2 = gate.admit(a).unwrap();
        assert_eq!(gate.admit(a).err(), Some(Refused::TooManyFromIp));
        let _p3 = gate.admit(b).unwrap();
        assert_eq!(gate.admit(b).err(), Some(Refused::NodeFull));
        drop(p1);
        assert_eq!(gate.open(), 2);
        assert!(gate.admit(a).is_ok());
    }
}
