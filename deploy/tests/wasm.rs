//! WebAssembly in apps: real npm packages that ship WebAssembly (hash-wasm, sql.js, tiktoken,
//! installed from the registry into `deploy/tests/fixtures/npm` by `scripts/test.sh`) give the
//! same results in a fetch handler as under Node, with `.wasm` files imported as Workers do;
//! and a project with a `.wasm` import deploys and serves from a node.

mod common;

use common::{node_json, npm_fixtures, DevServer};

/// argon2id hash and verify, SHA-256 of 64 MiB (hash-wasm), a table created, filled and
/// queried (sql.js), a sentence encoded and decoded (tiktoken's wasm-bindgen build): each case
/// answers in an Edge handler exactly what Node computes.
#[test]
fn wasm_packages_run_in_a_handler_as_under_node() {
    let dir = npm_fixtures("hash-wasm");
    let expected = node_json(&dir, "run-wasm-cases-with-node.mjs", &[]);
    let cases = expected.as_object().unwrap();
    assert_eq!(cases.len(), 4, "{expected}");
    let server = DevServer::start(&dir.join("wasm-app.mjs"), &[]);
    common::assert_cases_match_node(&server, &expected);
    assert_eq!(expected["argon2id"]["ok"], true);
    assert_eq!(expected["argon2id"]["wrong"], false);
    assert_eq!(expected["tiktoken"]["roundTrip"], true);
}

/// A module that is not WebAssembly fails the app's load with a message naming the file, and
/// a trap in a handler is a `WebAssembly.RuntimeError` the app can catch.
#[test]
fn broken_modules_and_traps_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("edge-wasm-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.wasm"), b"\0asm\x01\0\0\0\x01\xff").unwrap();
    std::fs::write(
        dir.join("broken.js"),
        "import m from './broken.wasm';\nexport default { fetch() { return new Response(String(m)); } };\n",
    )
    .unwrap();
    let (code, _, stderr) = common::run_edge(&["run", dir.join("broken.js").to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("broken.wasm is not a valid WebAssembly module"),
        "{stderr}"
    );

    // (module (func (export "trap") unreachable) (func (export "div") (param i32 i32) (result i32)
    //   local.get 0 local.get 1 i32.div_s))
    std::fs::write(
        dir.join("trap.wasm"),
        [
            0, 97, 115, 109, 1, 0, 0, 0, 1, 10, 2, 96, 0, 0, 96, 2, 127, 127, 1, 127, 3, 3, 2, 0,
            1, 7, 14, 2, 4, 116, 114, 97, 112, 0, 0, 3, 100, 105, 118, 0, 1, 10, 13, 2, 3, 0, 0,
            11, 7, 0, 32, 0, 32, 1, 109, 11,
        ],
    )
    .unwrap();
    std::fs::write(
        dir.join("trap.js"),
        r#"import mod from "./trap.wasm";
const { exports } = new WebAssembly.Instance(mod);
const caught = (f) => { try { f(); return "no error"; } catch (e) { return `${e.constructor.name}: ${e instanceof WebAssembly.RuntimeError}: ${e.message}`; } };
export default {
  fetch() {
    return Response.json({
      trap: caught(() => exports.trap()),
      div: caught(() => exports.div(1, 0)),
      ok: exports.div(84, 2),
    });
  },
};
"#,
    )
    .unwrap();
    let server = DevServer::start(&dir.join("trap.js"), &[]);
    let res = server.get("/");
    let body: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    assert_eq!(body["ok"], 42, "{body}");
    let trap = body["trap"].as_str().unwrap();
    assert!(trap.starts_with("RuntimeError: true: "), "{trap}");
    assert!(trap.contains("unreachable"), "{trap}");
    let div = body["div"].as_str().unwrap();
    assert!(div.starts_with("RuntimeError: true: "), "{div}");
    assert!(div.contains("divide by zero"), "{div}");
    let _ = std::fs::remove_dir_all(&dir);
}
