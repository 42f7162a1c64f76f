//! Errors of the host, for the front end to turn into HTTP answers.

use edge_runtime::{DispatchError, RuntimeError};

#[derive(Debug, Clone, thiserror::Error)]
pub enum HostError {
    /// The app's queue is full; try again shortly.
    #[error("the app is overloaded; retry shortly")]
    Overloaded,
    /// The app's isolate is not running (it failed to load or stopped).
    #[error("the app is not available: {0}")]
    Unavailable(String),
    /// Loading the app failed.
    #[error("{0}")]
    Load(#[from] RuntimeError),
    /// The app got the request but failed it.
    #[error("{0}")]
    Dispatch(#[from] DispatchError),
    /// No app of that name is deployed.
    #[error("no app named {0} is deployed")]
    UnknownApp(String),
    /// The app took longer than its wall-time limit to answer.
    #[error("the app did not answer within its time limit")]
    WallTimeExceeded,
    /// The app has as many WebSockets open as it may.
    #[error("the app already has {0} WebSockets open, its limit")]
    TooManyWebSockets(usize),
    /// The request body is larger than the app accepts.
    #[error("the request body is larger than the app's limit")]
    BodyTooLarge,
}
