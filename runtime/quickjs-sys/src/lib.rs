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

// Edge patch (see quickjs/quickjs.h and PATCHED.md): the continuation context, which follows
// promise reactions from where they are registered to where they run; synchronous module
// loading for require(); the source-position hook behind source-mapped stack traces; the tick
// queue behind `process.nextTick`.
unsafe extern "C" {
    pub fn JS_GetContinuationContext(ctx: *mut JSContext) -> JSValue;
    pub fn JS_SetTickHandler(ctx: *mut JSContext, handler: JSValue);
    pub fn JS_RequestTick(ctx: *mut JSContext);
    pub fn JS_SetJobDepth(rt: *mut JSRuntime, depth: ::core::ffi::c_int) -> ::core::ffi::c_int;
    pub fn JS_SetContinuationContext(ctx: *mut JSContext, value: JSValue);
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
