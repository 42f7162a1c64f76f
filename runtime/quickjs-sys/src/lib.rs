#![allow(non_upper_case_globals)]
#![allow(non_camel_case_types)]
#![allow(non_snake_case)]
#![allow(clippy::unreadable_literal)]
#![allow(clippy::missing_safety_doc)]
#![allow(clippy::upper_case_acronyms)]
#![allow(clippy::uninlined_format_args)]
#![no_std]

use ::core::ptr;

/// Common error message for converting between C `size_t` and Rust `usize`;
pub const SIZE_T_ERROR: &str =
    "conversion between C type 'size_t' and Rust type 'usize' overflowed.";

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

#[cfg(not(feature = "bindgen"))]
include!(concat!("bindings/", bindings_env!("TARGET"), ".rs"));

#[cfg(target_pointer_width = "64")]
include!("inlines/ptr_64.rs");

#[cfg(target_pointer_width = "32")]
include!("inlines/ptr_32_nan_boxing.rs");

include!("inlines/common.rs");

/// Edge patch: the opaque pointer of `obj` if it is of class `class_id`, else null, without
/// throwing. rquickjs tests class membership (`Class::from_value`, `Object::instance_of`) with
/// this function and discards the exception the engine's version throws on a mismatch; that
/// exception is a TypeError with a stack trace, built and dropped on every negative test (a
/// `Response` body or a `headers` init that is not the class looked for). The engine's own
/// callers use its C version, which still throws.
///
/// # Safety
/// `obj` must be a live value of the runtime `_ctx` belongs to.
#[inline]
pub unsafe fn JS_GetOpaque2(
    _ctx: *mut JSContext,
    obj: JSValue,
    class_id: JSClassID,
) -> *mut ::core::ffi::c_void {
    // SAFETY: the caller's contract; `JS_GetOpaque` only reads the object's class and opaque.
    unsafe { JS_GetOpaque(obj, class_id) }
}

// Edge patch (see quickjs/quickjs.h and PATCHED.md): the continuation context, which follows
// promise reactions from where they are registered to where they run; synchronous module
// loading for require(); the source-position hook behind source-mapped stack traces; the tick
// queue behind `process.nextTick`; a class test for buffers and their views that cannot throw.
unsafe extern "C" {
    pub fn JS_GetContinuationContext(ctx: *mut JSContext) -> JSValue;
    pub fn JS_SetTickHandler(ctx: *mut JSContext, handler: JSValue);
    pub fn JS_RequestTick(ctx: *mut JSContext);
    pub fn JS_SetJobDepth(rt: *mut JSRuntime, depth: ::core::ffi::c_int) -> ::core::ffi::c_int;
    pub fn JS_SetContinuationContext(ctx: *mut JSContext, value: JSValue);
    pub fn JS_IsBufferSource(obj: JSValue) -> bool;
    pub fn JS_RequireModule(
        ctx: *mut JSContext,
        basename: *const ::core::ffi::c_char,
        filename: *const ::core::ffi::c_char,
    ) -> JSValue;
    pub fn JS_SetSourcePositionHook(
        rt: *mut JSRuntime,
        hook: Option<
            unsafe extern "C" fn(
                opaque: *mut ::core::ffi::c_void,
                filename: *const ::core::ffi::c_char,
                line: *mut ::core::ffi::c_int,
                col: *mut ::core::ffi::c_int,
                name_buf: *mut ::core::ffi::c_char,
                name_len: usize,
            ) -> bool,
        >,
        opaque: *mut ::core::ffi::c_void,
    );
}
