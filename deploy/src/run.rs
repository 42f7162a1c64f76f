//! `edge run <file>`: evaluate a script or module on a fresh isolate, run its event loop until
//! no work is left, and exit non-zero if anything went uncaught.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use edge_runtime::{Isolate, IsolateOptions};

use crate::outbound::OutboundArgs;

#[derive(Args)]
pub struct RunArgs {
    /// The JavaScript or TypeScript file to run.
    file: PathBuf,
    #[command(flatten)]
    outbound: OutboundArgs,
}

pub fn main(args: RunArgs) -> Result<ExitCode> {
    let outbound = args.outbound.config()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&rt, async {
        let isolate = Isolate::new(IsolateOptions {
            outbound: Some(outbound),
            ..IsolateOptions::default()
        })
        .await?;
        let _driver = tokio::task::spawn_local(isolate.driver());
        isolate.run_main(&args.file).await
    });
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(edge_runtime::RuntimeError::Exit(code)) => Ok(ExitCode::from(code as u8)),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
