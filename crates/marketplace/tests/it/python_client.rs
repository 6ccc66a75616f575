//! An SP-API client nobody here wrote, python-amazon-sp-api, pointed at the
//! sandbox: it lists the event groups and downloads a settlement report
//! (`tests/clients/python_sp_api.py`). Needs a Python with the package
//! installed, named by `FERRY_SPAPI_PYTHON`, so it is ignored by default;
//! run it with `cargo test -p ferry-marketplace --test it -- --ignored python_client`.

use crate::helpers::spawn_app;

#[tokio::test]
#[ignore = "needs FERRY_SPAPI_PYTHON: a python with python-amazon-sp-api installed"]
async fn python_amazon_sp_api_lists_groups_and_downloads_a_report() {
    let python = std::env::var("FERRY_SPAPI_PYTHON")
        .expect("FERRY_SPAPI_PYTHON names a python with python-amazon-sp-api");
    let app = spawn_app().await;
    let script = format!(
        "{}/tests/clients/python_sp_api.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let output = tokio::process::Command::new(python)
        .arg(script)
        .arg(&app.address)
        .output()
        .await
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("python-amazon-sp-api: OK"), "{stdout}");
    println!("{stdout}");
}
