//! `maestroc lsp`, driven over stdio by a small JSON-RPC client, as an editor would.

mod client;

use std::path::Path;

use client::{at, find, uri, Client};
use serde_json::{json, Value};

const LIB: &str = "/// Twice `n`.\nfn double(n: int) -> int = n * 2\n";

const MAIN: &str = r#"import "std/dates"
import "./lib.mflow"

/// Loads every partition.
workflow main {
  /// The first day.
  param start: date = 2026-11-01
  param count: int = 3
  let days = dates_between(start, start + 2d)

  foreach day in days {
    /// Loads one day.
    step load {
      run "echo loaded=1 >> \"$MFLOW_OUTPUTS\"; echo ${count} ${dates.partition("x", day)}"
      outputs { loaded: int }
      timeout 5m
    }
  }

  step report {
    run "echo ${load.loaded} ${lib.double(count)}"
  }
}
"#;

/// A directory with `lib.mflow` and `main.mflow` on disk.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.mflow"), LIB).unwrap();
    std::fs::write(dir.path().join("main.mflow"), MAIN).unwrap();
    dir
}

fn hover_text(client: &mut Client, uri: &str, (line, col): (u32, u32)) -> String {
    let hover = client.request("textDocument/hover", at(uri, line, col));
    hover["contents"]["value"].as_str().unwrap_or_default().to_string()
}

fn check_json(dir: &Path, file: &str) -> Value {
    let out = assert_cmd::Command::cargo_bin("maestroc")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", file])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn diagnostics_on_open_are_checks_and_clear_when_fixed() {
    let dir = project();
    let broken = MAIN.replace("${count}", "${cuont}");
    std::fs::write(dir.path().join("broken.mflow"), &broken).unwrap();
    let expected = check_json(dir.path(), "broken.mflow");
    let expected = &expected["diagnostics"][0];
    let uri = uri(&dir.path().join("broken.mflow"));
    let mut client = Client::start();
    client.open(&uri, &broken);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], expected["code"]);
    assert_eq!(d["code"], "E0104");
    assert_eq!(d["severity"], 1);
    // Same span as `check` (1-based there, 0-based here).
    assert_eq!(d["range"]["start"]["line"], expected["line"].as_u64().unwrap() - 1);
    assert_eq!(
        d["range"]["start"]["character"],
        expected["column"].as_u64().unwrap() - 1
    );
    assert_eq!(
        d["range"]["end"]["character"],
        expected["labels"][0]["end_column"].as_u64().unwrap() - 1
    );
    assert_eq!(
        d["message"],
        "cannot find `cuont` in this scope (not found)\nhelp: did you mean `count`?"
    );
    // An edit that fixes it clears it; the published version is the edit's.
    client.change(&uri, 2, MAIN);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn editing_a_library_rechecks_its_importers_and_errors_never_silence_other_files() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let lib_uri = uri(&dir.path().join("lib.mflow"));
    let other_uri = uri(&dir.path().join("other.mflow"));
    let mut client = Client::start();
    client.open(&main_uri, MAIN);
    assert_eq!(client.diagnostics(&main_uri), Vec::<Value>::new());
    client.open(&lib_uri, LIB);
    assert_eq!(client.diagnostics(&lib_uri), Vec::<Value>::new());
    client.open(&other_uri, "workflow other {\n  step a { run \"echo ${nope}\" }\n}\n");
    let other = client.diagnostics(&other_uri);
    assert_eq!(other[0]["code"], "E0104");
    client.clear();
    // Rename the fn in the (unsaved) library: the importer now calls a missing fn.
    client.change(&lib_uri, 2, &LIB.replace("double", "twice"));
    let main = client.diagnostics(&main_uri);
    assert!(!main.is_empty(), "the importer was re-checked");
    assert!(main[0]["message"].as_str().unwrap().contains("double"), "{main:?}");
    // The unrelated broken file keeps its error, and was not re-checked for nothing.
    client.change(
        &other_uri,
        2,
        "workflow other {\n  step a { run \"echo ${nope} ${nada}\" }\n}\n",
    );
    assert_eq!(client.diagnostics(&other_uri).len(), 2);
    client.shutdown();
}

#[test]
fn unchanged_imports_are_not_read_again_on_each_keystroke() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let mut client = Client::start();
    client.open(&main_uri, MAIN);
    client.diagnostics(&main_uri);
    let before = client.request("maestroc/stats", Value::Null);
    for version in 2..12 {
        client.change(&main_uri, version, &MAIN.replace('3', &version.to_string()));
        client.diagnostics(&main_uri);
    }
    let after = client.request("maestroc/stats", Value::Null);
    assert_eq!(before["disk_reads"], 1, "lib.mflow read once: {before}");
    assert_eq!(after["disk_reads"], before["disk_reads"], "{after}");
    assert!(after["analyses"].as_u64().unwrap() > before["analyses"].as_u64().unwrap());
    client.shutdown();
}

#[test]
fn hover_shows_types_docs_builtins_literals_and_explanations() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let mut client = Client::start();
    client.open(&main_uri, MAIN);
    client.diagnostics(&main_uri);
    // `load.loaded` outside the foreach: a list, one per day.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "load.loaded", 0, 6));
    assert!(text.contains("load.loaded: list<int>"), "{text}");
    // A step's doc comment and outputs.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "load.loaded", 0, 1));
    assert!(
        text.contains("step load") && text.contains("loaded: int") && text.contains("Loads one day."),
        "{text}"
    );
    // A param's type and doc comment.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "start", 1, 0));
    assert!(
        text.contains("param start: date") && text.contains("The first day."),
        "{text}"
    );
    // A built-in's signature.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "dates_between", 0, 2));
    assert!(
        text.contains("dates_between(start: date, end: date) -> list<date>"),
        "{text}"
    );
    // An imported fn: its signature and doc comment.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "double", 0, 1));
    assert!(
        text.contains("fn double(n: int) -> int") && text.contains("Twice `n`."),
        "{text}"
    );
    // Literals.
    let text = hover_text(&mut client, &main_uri, find(MAIN, "5m", 0, 0));
    assert!(text.contains("5m = 300000 ms"), "{text}");
    let text = hover_text(&mut client, &main_uri, find(MAIN, "2026-11-01", 0, 3));
    assert!(text.contains("2026-11-01 (Sunday"), "{text}");
    // A diagnostic: its `maestroc explain` text.
    client.change(&main_uri, 2, &MAIN.replace("${count}", "${cuont}"));
    client.diagnostics(&main_uri);
    let text = hover_text(&mut client, &main_uri, find(MAIN, "${count}", 0, 3));
    assert!(
        text.contains("**E0104**") && text.contains("# E0104: name not found"),
        "{text}"
    );
    client.shutdown();
}

#[test]
fn definition_and_references_cross_files_and_reach_the_stdlib_read_only() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let lib_uri = uri(&dir.path().join("lib.mflow"));
    let mut client = Client::start();
    client.open(&main_uri, MAIN);
    client.diagnostics(&main_uri);
    // A step reference → the step's name.
    let (line, col) = find(MAIN, "load.loaded", 0, 1);
    let def = client.request("textDocument/definition", at(&main_uri, line, col));
    assert_eq!(def["uri"], main_uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 12, "character": 9 }));
    // A loop variable.
    let (line, col) = find(MAIN, "day)", 0, 0);
    let def = client.request("textDocument/definition", at(&main_uri, line, col));
    assert_eq!(def["range"]["start"], json!({ "line": 10, "character": 10 }));
    // An imported fn → the library.
    let (line, col) = find(MAIN, "double", 0, 0);
    let def = client.request("textDocument/definition", at(&main_uri, line, col));
    assert_eq!(def["uri"], lib_uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 1, "character": 3 }));
    // A stdlib fn → a read-only copy of the embedded source.
    let (line, col) = find(MAIN, "partition(", 0, 0);
    let def = client.request("textDocument/definition", at(&main_uri, line, col));
    let path = def["uri"]
        .as_str()
        .unwrap()
        .strip_prefix("file://")
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("fn partition"), "{path}");
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    // References of the param `count`: declaration and two uses.
    let (line, col) = find(MAIN, "count", 0, 0);
    let refs = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": main_uri }, "position": { "line": line, "character": col }, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(refs.as_array().unwrap().len(), 3, "{refs}");
    client.shutdown();
}

#[test]
fn rename_edits_every_file_and_refuses_collisions() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let lib_uri = uri(&dir.path().join("lib.mflow"));
    let mut client = Client::start();
    client.open(&main_uri, MAIN);
    client.diagnostics(&main_uri);
    let (line, col) = find(MAIN, "double", 0, 0);
    let mut params = at(&main_uri, line, col);
    params["newName"] = json!("twice");
    let edit = client.request("textDocument/rename", params.clone());
    assert_eq!(edit["changes"][&main_uri].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(edit["changes"][&lib_uri][0]["newText"], "twice");
    // A param renamed to the name of another param.
    let (line, col) = find(MAIN, "count", 0, 0);
    let mut params = at(&main_uri, line, col);
    params["newName"] = json!("start");
    let refused = client.raw_request("textDocument/rename", params.clone());
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("E1001: cannot rename `count` to `start`"),
        "{message}"
    );
    params["newName"] = json!("workflow");
    let refused = client.raw_request("textDocument/rename", params);
    assert!(
        refused["error"]["message"].as_str().unwrap().starts_with("E1002"),
        "{refused}"
    );
    // A built-in.
    let (line, col) = find(MAIN, "dates_between", 0, 0);
    let mut params = at(&main_uri, line, col);
    params["newName"] = json!("between");
    let refused = client.raw_request("textDocument/rename", params);
    assert!(
        refused["error"]["message"].as_str().unwrap().starts_with("E1003"),
        "{refused}"
    );
    client.shutdown();
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_offers_outputs_clause_words_params_and_builtins() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let mut client = Client::start();
    // After `load.`: its outputs with their types.
    let text = MAIN.replace("${load.loaded}", "${load.}");
    client.open(&main_uri, &text);
    client.diagnostics(&main_uri);
    let (line, col) = find(&text, "load.}", 0, 5);
    let items = client.request("textDocument/completion", at(&main_uri, line, col));
    assert_eq!(labels(&items), ["loaded"]);
    assert_eq!(items[0]["detail"], "int");
    // After `dates.`: the stdlib module's fns with signatures.
    let (line, col) = find(&text, "partition(", 0, 0);
    let items = client.request("textDocument/completion", at(&main_uri, line, col));
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "partition")
        .unwrap();
    assert!(item["detail"].as_str().unwrap().starts_with("fn partition("), "{item}");
    // At the start of a line in a step: clause words.
    let text2 = MAIN.replace("      timeout 5m\n", "      timeout 5m\n      \n");
    client.change(&main_uri, 2, &text2);
    client.diagnostics(&main_uri);
    let (line, _) = find(&text2, "timeout 5m", 0, 0);
    let items = labels(&client.request("textDocument/completion", at(&main_uri, line + 1, 6)));
    for word in ["run", "outputs", "retry", "after", "env"] {
        assert!(items.contains(&word.to_string()), "{items:?}");
    }
    assert!(!items.contains(&"workflow".to_string()));
    // Inside `${…}`: params first, then the other names and the built-ins.
    let (line, col) = find(&text2, "${count}", 0, 2);
    let items = client.request("textDocument/completion", at(&main_uri, line, col));
    let names = labels(&items);
    assert!(
        names.contains(&"start".to_string()) && names.contains(&"len".to_string()),
        "{names:?}"
    );
    let first = items
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|i| i["sortText"].as_str().unwrap().to_string())
        .unwrap();
    assert!(first["detail"].as_str().unwrap().starts_with("param"), "{first}");
    client.shutdown();
}

#[test]
fn outline_folding_tokens_and_quick_fixes() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let mut client = Client::start();
    let broken = MAIN
        .replace("${count}", "${cuont}")
        .replace("${load.loaded}", "${report2.rows}");
    let broken = broken.replace(
        "  step report {",
        "  step report2 {\n    run \"true\"\n  }\n  step report {",
    );
    client.open(&main_uri, &broken);
    let diags = client.diagnostics(&main_uri);
    assert_eq!(diags.len(), 2, "{diags:?}");
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main_uri } }),
    );
    let main = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "main")
        .unwrap();
    let children: Vec<&str> = main["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["start", "count", "days", "foreach day", "report2", "report"]);
    let folds = client.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": main_uri } }),
    );
    assert!(folds.as_array().unwrap().iter().any(|f| f["startLine"] == 4), "{folds}");
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": main_uri } }),
    );
    assert_eq!(tokens["data"].as_array().unwrap().len() % 5, 0);
    assert!(tokens["data"].as_array().unwrap().len() > 50);
    // Did you mean `count`?
    let (line, col) = find(&broken, "cuont", 0, 1);
    let range = json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col } });
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": main_uri }, "range": range, "context": { "diagnostics": [] } }),
    );
    assert_eq!(actions[0]["title"], "Replace `cuont` with `count`");
    assert_eq!(actions[0]["edit"]["changes"][&main_uri][0]["newText"], "count");
    // A step without outputs: add the clause.
    let (line, col) = find(&broken, "rows", 0, 0);
    let range = json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col } });
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": main_uri }, "range": range, "context": { "diagnostics": [] } }),
    );
    assert_eq!(actions[0]["title"], "Add `outputs { rows: string }` to step `report2`");
    assert_eq!(
        actions[0]["edit"]["changes"][&main_uri][0]["newText"],
        "    outputs { rows: string }\n"
    );
    client.shutdown();
}

#[test]
fn requests_about_unknown_documents_are_refused_with_a_code() {
    let mut client = Client::start();
    let refused = client.raw_request("textDocument/hover", at("file:///nowhere/x.mflow", 0, 0));
    assert!(
        refused["error"]["message"].as_str().unwrap().starts_with("E1004"),
        "{refused}"
    );
    let refused = client.raw_request("maestroc/nothing", Value::Null);
    assert_eq!(refused["error"]["code"], -32601);
    client.shutdown();
}

#[test]
fn formatting_is_maestroc_fmt() {
    let dir = project();
    let main_uri = uri(&dir.path().join("main.mflow"));
    let mut client = Client::start();
    let messy = MAIN.replace("  param count: int = 3", "  param   count :int=3");
    client.open(&main_uri, &messy);
    client.diagnostics(&main_uri);
    let params = json!({ "textDocument": { "uri": main_uri }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = client.request("textDocument/formatting", params.clone());
    let expected = maestroc::format::format_source(&messy).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert!(expected.contains("  param count: int = 3"));
    client.change(&main_uri, 2, "workflow w {\n  step s { run \"echo\"\n");
    client.diagnostics(&main_uri);
    let refused = client.raw_request("textDocument/formatting", params);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("E1005: cannot format this file: it has syntax errors"),
        "{refused}"
    );
    client.shutdown();
}

#[test]
fn hover_shows_an_output_after_an_if_as_optional() {
    let dir = tempfile::tempdir().unwrap();
    let text = "workflow w {\n  param flag: bool = true\n  if flag {\n    step maybe {\n      run \"echo x=1 >> $MFLOW_OUTPUTS\"\n      outputs { x: int }\n    }\n  }\n  step after {\n    run \"echo ${maybe.x ?? 0}\"\n  }\n}\n";
    let uri = uri(&dir.path().join("w.mflow"));
    let mut client = Client::start();
    client.open(&uri, text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let hover = hover_text(&mut client, &uri, find(text, "maybe.x", 0, 6));
    assert!(hover.contains("maybe.x: int?"), "{hover}");
    client.shutdown();
}
