//! Reading a secret from the terminal without echoing it, or whole from a pipe.

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::{bail, Context, Result};

/// Turns the terminal's echo off while it lives.
struct NoEcho {
    saved: libc::termios,
}

impl NoEcho {
    fn new() -> Option<NoEcho> {
        // SAFETY: termios is plain data; tcgetattr fills it for fd 0, which is a terminal
        // (checked by the caller); a failure leaves us without the guard.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return None;
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            t.c_lflag |= libc::ECHONL;
            if libc::tcsetattr(0, libc::TCSANOW, &t) != 0 {
                return None;
            }
            Some(NoEcho { saved })
        }
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        // SAFETY: restores the settings read from the same fd in `new`.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.saved);
        }
    }
}

/// Reads a secret: typed at a prompt (not echoed) on a terminal, else all of stdin (one
/// trailing newline removed, so `echo $KEY | ...` gives the key).
pub fn read_secret(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    let mut value = String::new();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let _guard = NoEcho::new();
        stdin
            .lock()
            .read_line(&mut value)
            .context("cannot read from the terminal")?;
    } else {
        stdin
            .lock()
            .read_to_string(&mut value)
            .context("cannot read stdin")?;
    }
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    if value.is_empty() {
        bail!("the value is empty");
    }
    Ok(value)
}
