//! The native half of `node:vm`: evaluating a script in a new realm, a fresh context of the
//! isolate's own runtime (so memory and CPU limits still apply), which has only the language's
//! built-ins. Objects cross between realms freely, as in V8.

use std::ffi::CString;

use rquickjs::{qjs, Ctx, Exception, Function, Result, Value};

/// `runInNewRealm(code, filename, setup)`: creates a realm, calls `setup(global)`, evaluates
/// `code` as a classic script there and returns `[result, global]`.
pub fn run_in_new_realm<'js>(
    ctx: Ctx<'js>,
    code: String,
    filename: String,
    setup: Function<'js>,
) -> Result<Vec<Value<'js>>> {
    let (Ok(source), Ok(name)) = (CString::new(code), CString::new(filename)) else {
        return Err(Exception::throw_type(
            &ctx,
            "the script and its filename cannot contain NUL",
        ));
    };
    // SAFETY: the new context belongs to this isolate's runtime, whose lock we hold (we are
    // called from JS on the isolate's thread). Every value taken from it is owned (the engine
    // returns new references) and wrapped at once; values are runtime-wide, so they are valid
    // in `ctx` too. The context is released at the end; objects made in it keep what they need.
    unsafe {
        let rt = qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
        let realm = qjs::JS_NewContext(rt);
        if realm.is_null() {
            return Err(Exception::throw_internal(&ctx, "cannot create a new realm"));
        }
        let global = Value::from_raw(ctx.clone(), qjs::JS_GetGlobalObject(realm));
        let outcome = setup.call::<_, ()>((global.clone(),)).and_then(|()| {
            let raw = qjs::JS_Eval(
                realm,
                source.as_ptr(),
                source.as_bytes().len() as _,
                name.as_ptr(),
                qjs::JS_EVAL_TYPE_GLOBAL as i32,
            );
            if qjs::JS_VALUE_GET_TAG(raw) == qjs::JS_TAG_EXCEPTION {
                let thrown = Value::from_raw(ctx.clone(), qjs::JS_GetException(realm));
                return Err(ctx.throw(thrown));
            }
            Ok(Value::from_raw(ctx.clone(), raw))
        });
        qjs::JS_FreeContext(realm);
        let result = outcome?;
        Ok(vec![result, global])
    }
}
