//! Polls the modification times of an app's source files; cheap, portable, and enough for a
//! dev loop (a change is seen within the poll interval).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

pub struct Watcher {
    seen: HashMap<PathBuf, Option<SystemTime>>,
}

fn mtime(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Watcher {
    pub fn new(files: Vec<PathBuf>) -> Self {
        let seen = files.into_iter().map(|f| (f.clone(), mtime(&f))).collect();
        Watcher { seen }
    }

    /// True if any file changed, appeared or vanished since the last call.
    pub fn changed(&mut self) -> bool {
        let mut changed = false;
        for (path, stamp) in self.seen.iter_mut() {
            let now = mtime(path);
            if now != *stamp {
                *stamp = now;
                changed = true;
            }
        }
        changed
    }

    /// Watches a new set of files (after a reload loaded different modules).
    pub fn reset(&mut self, files: Vec<PathBuf>) {
        *self = Watcher::new(files);
    }
}
