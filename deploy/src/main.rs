//! `edge`: the command-line interface of Edge. `edge dev` serves one app locally and reloads
//! it on change; `edge run` runs a script or module to completion; `edge serve` runs a node;
//! `edge init`, `bundle`, `deploy`, `versions`, `rollback`, `secrets`, `logs`, `login` and
//! `whoami` make and manage apps on a node.

/// Prints a line to stdout; a closed pipe (`edge serve | head`) is ignored, not a panic: the
/// line was only information.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod account;
mod build;
mod bundle;
mod client;
mod credentials;
mod dev;
mod entry;
mod image;
mod init;
mod manage;
mod outbound;
mod project;
mod prompt;
mod publish;
mod run;
mod serve;
mod watch;
mod zip;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: measurably faster than glibc's malloc for the many small, short-lived objects of
/// the request path (see `bench/`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "edge",
    version,
    about = "Run JavaScript and TypeScript fetch-handler apps at the edge"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve an app locally, reloading it when a source file changes.
    Dev(dev::DevArgs),
    /// Run a script or module to completion; exits non-zero on an uncaught error.
    Run(run::RunArgs),
    /// Run an edge node: many apps, HTTPS with HTTP/2 and HTTP/3, the admin API.
    Serve(serve::ServeArgs),
    /// Create a starter app (TypeScript) with its edge.toml.
    Init(init::InitArgs),
    /// Bundle the app in this folder into one file, as `edge deploy` would upload it.
    Bundle(publish::BundleArgs),
    /// Package the app for another platform: `--target lambda` (an AWS Lambda zip) or
    /// `--target image` (an OCI image for Google Cloud Run).
    Build(build::BuildArgs),
    /// Bundle the app and make it live on a node; prints the version and its URLs.
    Deploy(publish::DeployArgs),
    /// List the app's versions on the node.
    Versions(manage::AppArgs),
    /// Make an earlier version live again (default: the one before the current one).
    Rollback(manage::RollbackArgs),
    /// Set, list or delete the app's secrets.
    #[command(subcommand)]
    Secrets(manage::SecretsCommand),
    /// Print the app's recent console output; with --tail, follow it live.
    Logs(manage::LogsArgs),
    /// Save a node's URL and admin token (read from stdin) for the commands above.
    Login(account::LoginArgs),
    /// Show which node the commands talk to, and with which token source.
    Whoami(credentials::NodeArgs),
}

/// `mi_option_arena_eager_commit` in mimalloc 2's option enum.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Makes mimalloc commit arena memory as it is used rather than up front: 8 MiB less idle
/// RSS, no measurable cost on the request path (bench: hello world, SSE). It must run before
/// the first allocation, so it is a constructor that runs before Rust's runtime starts.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    // SAFETY: this only stores an option value; no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dev(args) => dev::main(args),
        Command::Run(args) => run::main(args),
        Command::Serve(args) => serve::main(args),
        Command::Init(args) => init::main(args),
        Command::Bundle(args) => publish::bundle_main(args),
        Command::Build(args) => build::main(args),
        Command::Deploy(args) => publish::deploy_main(args),
        Command::Versions(args) => manage::versions_main(args),
        Command::Rollback(args) => manage::rollback_main(args),
        Command::Secrets(command) => manage::secrets_main(command),
        Command::Logs(args) => manage::logs_main(args),
        Command::Login(args) => account::login_main(args),
        Command::Whoami(args) => credentials_whoami(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn credentials_whoami(args: credentials::NodeArgs) -> anyhow::Result<ExitCode> {
    account::whoami_main(args)
}

/// Logs to stderr; `RUST_LOG` overrides the default level.
fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
