//! End-to-end tests: both services in real Chromium, through their web
//! pages only. The tests live in `tests/browser/`; they need Debian's
//! `chromium` and `chromium-driver` and are run by `.ci/run`
//! (`cargo test -p ferry-e2e -- --ignored`). Screenshots of every page go to
//! `target/e2e-screenshots/`.
