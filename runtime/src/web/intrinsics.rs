//! Functions of the JS bootstrap that the native classes call (stream construction and
//! reading, event dispatch). They are captured once per isolate after the bootstrap runs.

use rquickjs::{Ctx, Exception, Function, JsLifetime, Object, Result};

#[derive(JsLifetime, Clone)]
pub struct Intrinsics<'js> {
    /// `(source: NativeSource) => ReadableStream` pulling from a native body.
    pub stream_from_native: Function<'js>,
    /// `(bytes: Uint8Array) => ReadableStream` with one chunk.
    pub stream_from_bytes: Function<'js>,
    /// `(value) => boolean`: is it a ReadableStream?
    pub is_readable_stream: Function<'js>,
    /// `(stream) => boolean`: locked or already read from.
    pub is_stream_unusable: Function<'js>,
    /// `(stream) => Promise<Uint8Array>` reading a stream to its end.
    pub read_all: Function<'js>,
    /// `(stream) => NativeSource | undefined`: the untouched native source behind a stream.
    pub take_native_source: Function<'js>,
    /// `(stream) => [ReadableStream, ReadableStream]`.
    pub tee: Function<'js>,
    /// `(stream, sink: BodySink) => Promise` writing the stream into the sink.
    pub pump_to_sink: Function<'js>,
    /// `(request, ctx) => Promise<Response>` dispatching a FetchEvent to the listeners.
    pub dispatch_fetch_event: Function<'js>,
    /// `() => boolean`: are there fetch event listeners?
    pub has_fetch_listeners: Function<'js>,
    /// `() => void`: removes `process`, `Buffer` and Node's other globals.
    pub remove_node_globals: Function<'js>,
    /// `(value) => Array | undefined`: a FormData's `[name, string | File]` entries.
    pub form_data_entries: Function<'js>,
    /// `(items) => FormData` from `[name, string]` and `[name, blob, filename, type]` items.
    pub make_form_data: Function<'js>,
    /// `(error) => boolean`: an error nobody caught, offered to the app's
    /// `process.on("uncaughtException")` listeners; true if they took it.
    pub report_exception: Function<'js>,
    /// `(reason, promise) => boolean`: a rejection nobody handled, offered to the app's
    /// `process.on("unhandledRejection")` listeners; true if they took it.
    pub report_rejection: Function<'js>,
    /// `(ws) => void`: takes a `WebSocketPair` end for a Response (throws if it is not one).
    pub transfer_web_socket: Function<'js>,
    /// `(ws, handle) => boolean`: binds the pair's server end to the connection's handle.
    pub bind_web_socket: Function<'js>,
}

impl<'js> Intrinsics<'js> {
    pub fn from_object(obj: &Object<'js>) -> Result<Self> {
        Ok(Intrinsics {
            stream_from_native: obj.get("streamFromNative")?,
            stream_from_bytes: obj.get("streamFromBytes")?,
            is_readable_stream: obj.get("isReadableStream")?,
            is_stream_unusable: obj.get("isStreamUnusable")?,
            read_all: obj.get("readAll")?,
            take_native_source: obj.get("takeNativeSource")?,
            tee: obj.get("tee")?,
            pump_to_sink: obj.get("pumpToSink")?,
            dispatch_fetch_event: obj.get("dispatchFetchEvent")?,
            has_fetch_listeners: obj.get("hasFetchListeners")?,
            remove_node_globals: obj.get("removeNodeGlobals")?,
            form_data_entries: obj.get("formDataEntries")?,
            make_form_data: obj.get("makeFormData")?,
            report_exception: obj.get("reportException")?,
            report_rejection: obj.get("reportRejection")?,
            transfer_web_socket: obj.get("transferWebSocket")?,
            bind_web_socket: obj.get("bindWebSocket")?,
        })
    }

    /// The isolate's intrinsics; fails only if the bootstrap did not run.
    pub fn get(ctx: &Ctx<'js>) -> Result<Self> {
        match ctx.userdata::<Intrinsics>() {
            Some(i) => Ok(i.clone()),
            None => Err(Exception::throw_internal(
                ctx,
                "runtime intrinsics are not installed",
            )),
        }
    }
}
