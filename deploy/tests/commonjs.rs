//! CommonJS and Node's globals in fetch handlers: importing CommonJS packages (named exports
//! found by analysis), `require` through `createRequire`, `require()` of ES modules and JSON,
//! `process.env` from the app's variables, and the `node_compat` switch.

mod common;

use common::{fixture, run_edge, DevServer};

#[test]
fn commonjs_packages_import_and_require_like_node() {
    let server = DevServer::start(
        &fixture("commonjs").join("app.mjs"),
        &["--var", "GREETING=hello"],
    );
    let res = server.get("/");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), server.output());
    let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    let missing = got["errors"]["./missing"].as_str().unwrap();
    assert!(
        missing.starts_with("MODULE_NOT_FOUND: Cannot find module './missing'"),
        "{missing}"
    );
    let expect = serde_json::json!({
        "join": "a/b", "joinAgain": "c/d", "answer": 42, "defined": "via defineProperty",
        "emitterType": "function", "thisIsExports": true, "dirnameEnds": true,
        "filenameEnds": true, "sameInstance": true, "sharedState": [1, 2],
        "usesEsm": { "greeting": "hello cjs", "def": "esm default" },
        "json": { "answer": 42 }, "resolved": true, "builtins": true,
        "errors": {
            "./missing": missing,
            "node:nonesuch": "ERR_UNKNOWN_BUILTIN_MODULE: No such built-in module: node:nonesuch",
            "./lib/throws.cjs": "Error: boom in CommonJS",
        },
        "env": "hello", "bufferGlobal": "ZWRnZQ==", "processIsEmitter": true,
    });
    assert_eq!(got, expect);
}

/// An app written as CommonJS (`module.exports = { fetch }`) serves as well.
#[test]
fn a_commonjs_app_serves() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("app.cjs");
    std::fs::write(
        &entry,
        "const { format } = require('node:util');\nmodule.exports = { fetch: () => new Response(format('%s-%d', 'cjs', 7)) };\n",
    )
    .unwrap();
    let server = DevServer::start(&entry, &[]);
    let res = server.get("/");
    assert_eq!(res.text(), "cjs-7", "{}", server.output());
}

/// With Node compatibility off, `process` and `Buffer` are not globals, and an app importing a
/// built-in does not load: `edge dev` exits with a message that says why.
#[test]
fn node_compat_off_removes_builtins_and_globals() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.mjs");
    std::fs::write(
        &plain,
        "export default { fetch: () => new Response([typeof process, typeof Buffer, typeof global].join()) };\n",
    )
    .unwrap();
    let server = DevServer::start(&plain, &["--no-node-compat"]);
    assert_eq!(server.get("/").text(), "undefined,undefined,undefined");
    let on = DevServer::start(&plain, &[]);
    assert_eq!(on.get("/").text(), "object,function,object");

    let importer = dir.path().join("importer.mjs");
    std::fs::write(
        &importer,
        "import { EventEmitter } from 'node:events';\nexport default { fetch: () => new Response(typeof EventEmitter) };\n",
    )
    .unwrap();
    let (code, _, stderr) = run_edge(&[
        "dev",
        importer.to_str().unwrap(),
        "--no-node-compat",
        "--port",
        "0",
    ]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("cannot import 'node:events'") && stderr.contains("node_compat = false"),
        "{stderr}"
    );
}

/// `require()` of an ES module that awaits at top level cannot finish synchronously: it is a
/// clear TypeError, not a hang or a half-loaded module.
#[test]
fn requiring_a_module_with_top_level_await_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tla.mjs"),
        "await Promise.resolve();\nexport const x = 1;\n",
    )
    .unwrap();
    let script = dir.path().join("main.cjs");
    std::fs::write(
        &script,
        "try { require('./tla.mjs'); console.log('loaded'); } catch (e) { console.log(e.name, e.message); }\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_edge(&["run", script.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("TypeError require() cannot load")
            && stdout.contains("awaits at top level"),
        "{stdout}"
    );
}
