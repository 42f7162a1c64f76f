//! Values crossing between JavaScript and WebAssembly, per the JS API's ToWebAssemblyValue and
//! ToJSValue: i32 and f32/f64 as Numbers, i64 as BigInt, `externref` as any JS value,
//! `funcref` as an exported function (or null); v128 is refused with a TypeError.
//!
//! A crossing is done in two steps so that JavaScript never runs while the store is borrowed:
//! coercion (which may call `valueOf`) to a [`Coerced`] before, and from a [`Plain`] after.

use rquickjs::{qjs, BigInt, Ctx, Exception, Result, Value};
use wasmtime::{AsContextMut, Func, HeapType, Ref, StoreContextMut, Val, ValType};

use super::exports::exported_function;
use super::state::{JsRef, WasmState};
use super::store::{StoreData, StoreRef};

/// A JS value coerced to a WebAssembly type, not yet in the store.
pub enum Coerced<'js> {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Null,
    Extern(Value<'js>),
    Func(Func),
    /// A function of another store (called through a trampoline there), with its type.
    Foreign(StoreRef, Func, wasmtime::FuncType),
}

/// A WebAssembly value taken out of the store, not yet a JS value.
pub enum Plain {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Null,
    /// An `externref` from JavaScript: its slot.
    Extern(u32),
    /// A reference JavaScript cannot see into (an `externref` made by the engine).
    Opaque,
    Func(Func),
    V128,
}

/// The JS API's name of a value type (`"i32"`, `"externref"`, ...).
pub fn type_name(ty: &ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(r) => match r.heap_type() {
            HeapType::Extern | HeapType::NoExtern => "externref",
            HeapType::Func | HeapType::ConcreteFunc(_) | HeapType::NoFunc => "funcref",
            HeapType::Exn | HeapType::NoExn | HeapType::ConcreteExn(_) => "exnref",
            _ => "anyref",
        },
    }
}

/// A value type by its JS API name.
pub fn type_of_name(name: &str) -> Option<ValType> {
    Some(match name {
        "i32" => ValType::I32,
        "i64" => ValType::I64,
        "f32" => ValType::F32,
        "f64" => ValType::F64,
        "v128" => ValType::V128,
        "externref" | "anyref" => ValType::EXTERNREF,
        "funcref" | "anyfunc" => ValType::FUNCREF,
        _ => return None,
    })
}

/// ToWebAssemblyValue, the JavaScript half: may run the value's `valueOf`.
///
/// `store` is the store the value goes into: a function of another store cannot be a funcref
/// there (stores do not share functions).
pub fn coerce<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    value: Value<'js>,
    ty: &ValType,
    store: &StoreRef,
) -> Result<Coerced<'js>> {
    Ok(match ty {
        ValType::I32 => Coerced::I32(rquickjs::convert::Coerced::<i32>::from_js(ctx, value)?.0),
        ValType::I64 => Coerced::I64(to_bigint64(ctx, &value)?),
        ValType::F32 => {
            Coerced::F32(rquickjs::convert::Coerced::<f64>::from_js(ctx, value)?.0 as f32)
        }
        ValType::F64 => Coerced::F64(rquickjs::convert::Coerced::<f64>::from_js(ctx, value)?.0),
        ValType::V128 => {
            return Err(Exception::throw_type(
                ctx,
                "a v128 value cannot cross between JavaScript and WebAssembly",
            ))
        }
        ValType::Ref(r) => match r.heap_type() {
            HeapType::Extern => {
                if value.is_null() {
                    null_unless(ctx, r.is_nullable())?
                } else {
                    Coerced::Extern(value)
                }
            }
            HeapType::Func | HeapType::ConcreteFunc(_) => {
                if value.is_null() {
                    null_unless(ctx, r.is_nullable())?
                } else {
                    match state.function_of(&value) {
                        Some((home, func)) if home.id == store.id => Coerced::Func(func),
                        Some((home, func)) => {
                            let ty = home.with(|cx| func.ty(&cx));
                            if !super::store::can_cross(&ty) {
                                return Err(Exception::throw_type(
                                    ctx,
                                    "a function of another instance taking or returning references cannot be used here (link the modules through shared imports instead)",
                                ));
                            }
                            Coerced::Foreign(home, func, ty)
                        }
                        None => {
                            return Err(Exception::throw_type(
                                ctx,
                                "a funcref must be null or a function exported by WebAssembly",
                            ))
                        }
                    }
                }
            }
            HeapType::NoExtern | HeapType::NoFunc => {
                if value.is_null() {
                    Coerced::Null
                } else {
                    return Err(Exception::throw_type(
                        ctx,
                        "only null is a value of this type",
                    ));
                }
            }
            _ => {
                return Err(Exception::throw_type(
                    ctx,
                    &format!(
                        "values of type {} cannot cross into WebAssembly",
                        type_name(ty)
                    ),
                ))
            }
        },
    })
}

fn null_unless<'js>(ctx: &Ctx<'js>, nullable: bool) -> Result<Coerced<'js>> {
    if nullable {
        Ok(Coerced::Null)
    } else {
        Err(Exception::throw_type(
            ctx,
            "null is not a value of a non-nullable reference type",
        ))
    }
}

use rquickjs::FromJs;

/// ToBigInt64: BigInts wrap to 64 bits, booleans and strings convert, Numbers are refused.
fn to_bigint64(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<i64> {
    let mut out = 0i64;
    // SAFETY: `value` is a live value of this context; the engine writes the result to `out`.
    let rc = unsafe { qjs::JS_ToBigInt64(ctx.as_raw().as_ptr(), &mut out, value.as_raw()) };
    if rc < 0 {
        return Err(rquickjs::Error::Exception);
    }
    Ok(out)
}

impl<'js> Coerced<'js> {
    /// The value in the store (an `externref` takes a slot for its JS value).
    pub fn into_val(
        self,
        ctx: &Ctx<'js>,
        state: &WasmState,
        store: &mut StoreContextMut<'_, StoreData>,
        ty: &ValType,
    ) -> wasmtime::Result<Val> {
        Ok(match self {
            Coerced::I32(v) => Val::I32(v),
            Coerced::I64(v) => Val::I64(v),
            Coerced::F32(v) => Val::F32(v.to_bits()),
            Coerced::F64(v) => Val::F64(v.to_bits()),
            Coerced::Func(f) => Val::FuncRef(Some(f)),
            Coerced::Foreign(home, f, ty) => {
                Val::FuncRef(Some(super::store::trampoline(state, store, &home, f, ty)))
            }
            Coerced::Null => match ty {
                ValType::Ref(r) => Val::null_ref(r.heap_type()),
                _ => Val::null_extern_ref(),
            },
            Coerced::Extern(value) => {
                let held: JsRef = state.hold(ctx, value);
                Val::ExternRef(Some(wasmtime::ExternRef::new(
                    store.as_context_mut(),
                    held,
                )?))
            }
        })
    }
}

/// ToJSValue, the store half: what a value is, without making JS values.
pub fn plain(store: &mut StoreContextMut<'_, StoreData>, value: &Val) -> Plain {
    match value {
        Val::I32(v) => Plain::I32(*v),
        Val::I64(v) => Plain::I64(*v),
        Val::F32(v) => Plain::F32(f32::from_bits(*v)),
        Val::F64(v) => Plain::F64(f64::from_bits(*v)),
        Val::V128(_) => Plain::V128,
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            Plain::Null
        }
        Val::FuncRef(Some(f)) => Plain::Func(*f),
        Val::ExternRef(Some(r)) => match r.data(&*store) {
            Ok(Some(data)) => match data.downcast_ref::<JsRef>() {
                Some(held) => Plain::Extern(held.slot),
                None => Plain::Opaque,
            },
            _ => Plain::Opaque,
        },
        _ => Plain::Opaque,
    }
}

/// A table element or other reference, as [`plain`] does for values.
pub fn plain_ref(store: &mut StoreContextMut<'_, StoreData>, value: Ref) -> Plain {
    match value {
        Ref::Func(f) => plain(store, &Val::FuncRef(f)),
        Ref::Extern(e) => plain(store, &Val::ExternRef(e)),
        _ => Plain::Opaque,
    }
}

/// ToJSValue, the JavaScript half.
pub fn to_js<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    store: &StoreRef,
    value: Plain,
) -> Result<Value<'js>> {
    Ok(match value {
        Plain::I32(v) => Value::new_int(ctx.clone(), v),
        Plain::I64(v) => BigInt::from_i64(ctx.clone(), v)?.into_value(),
        Plain::F32(v) => Value::new_float(ctx.clone(), v as f64),
        Plain::F64(v) => Value::new_float(ctx.clone(), v),
        Plain::Null => Value::new_null(ctx.clone()),
        Plain::Extern(slot) => state.held(ctx, slot)?,
        Plain::Opaque => Value::new_undefined(ctx.clone()),
        Plain::Func(f) => exported_function(ctx, state, store, f, None)?.into_value(),
        Plain::V128 => {
            return Err(Exception::throw_type(
                ctx,
                "a v128 value cannot cross between WebAssembly and JavaScript",
            ))
        }
    })
}

/// The default value of a type (a missing argument of `Table`/`Global`): 0, 0n, null, or
/// `undefined` for `externref`.
pub fn default_for<'js>(ctx: &Ctx<'js>, ty: &ValType) -> Result<Coerced<'js>> {
    Ok(match ty {
        ValType::I32 => Coerced::I32(0),
        ValType::I64 => Coerced::I64(0),
        ValType::F32 => Coerced::F32(0.0),
        ValType::F64 => Coerced::F64(0.0),
        ValType::Ref(r) if matches!(r.heap_type(), HeapType::Extern) => {
            Coerced::Extern(Value::new_undefined(ctx.clone()))
        }
        _ => Coerced::Null,
    })
}
